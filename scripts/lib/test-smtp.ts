import { SMTPServer } from "smtp-server";
import { freePort } from "@/scripts/lib/test-helpers";

// A mail server for tests (smtp-server, in the test's own process): it keeps every message it
// accepts, or refuses them all while `isRefusing` is set, as a server in trouble would.

export type CaughtMail = { from: string; to: string[]; raw: string };

export async function startSmtpCatcher() {
  const port = await freePort();
  const messages: CaughtMail[] = [];
  const control = { isRefusing: false };
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS"],
    onData(stream, session, callback) {
      let raw = "";
      stream.on("data", (chunk: Buffer) => (raw += chunk.toString()));
      stream.on("end", () => {
        if (control.isRefusing) return callback(Object.assign(new Error("Mailbox unavailable"), { responseCode: 450 }));
        // Headers unfolded (long ones are wrapped onto indented lines).
        messages.push({ from: session.envelope.mailFrom ? session.envelope.mailFrom.address : "", to: session.envelope.rcptTo.map((rcpt) => rcpt.address), raw: raw.replace(/\r?\n[ \t]+/g, " ") });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  return {
    url: `smtp://127.0.0.1:${port}`,
    messages,
    control,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
