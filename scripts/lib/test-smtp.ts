import { SMTPServer } from "smtp-server";
import { freePort } from "@/scripts/lib/test-helpers";

// A mail server for tests (smtp-server, in the test's own process): it keeps every message it
// accepts, or refuses them all while `isRefusing` is set, as a server in trouble would. Hooks let a
// test act at the two moments that matter to a sender: before the message (at RCPT TO) and after
// the server has the whole message but before it answers.

export type CaughtMail = { from: string; to: string[]; raw: string };

export async function startSmtpCatcher(options: { credentials?: { user: string; pass: string } } = {}) {
  const port = await freePort();
  const messages: CaughtMail[] = [];
  const control: { isRefusing: boolean; isRefusingRecipients?: boolean; onRecipient?: () => Promise<void>; beforeAnswer?: (mail: CaughtMail) => Promise<void> } = { isRefusing: false };
  const server = new SMTPServer({
    authOptional: !options.credentials,
    // Plain-text AUTH without TLS, acceptable on 127.0.0.1 only.
    allowInsecureAuth: true,
    disabledCommands: ["STARTTLS"],
    onAuth(auth, _session, callback) {
      const { credentials } = options;
      if (credentials && auth.username === credentials.user && auth.password === credentials.pass) return callback(null, { user: auth.username });
      callback(Object.assign(new Error("Invalid username or password"), { responseCode: 535 }));
    },
    onRcptTo(_address, _session, callback) {
      if (control.isRefusingRecipients) return callback(Object.assign(new Error("No such user here"), { responseCode: 550 }));
      void (control.onRecipient?.() ?? Promise.resolve()).then(() => callback());
    },
    onData(stream, session, callback) {
      let raw = "";
      stream.on("data", (chunk: Buffer) => (raw += chunk.toString()));
      stream.on("end", () => {
        if (control.isRefusing) return callback(Object.assign(new Error("Mailbox unavailable"), { responseCode: 450 }));
        // Headers unfolded (long ones are wrapped onto indented lines).
        const mail = { from: session.envelope.mailFrom ? session.envelope.mailFrom.address : "", to: session.envelope.rcptTo.map((rcpt) => rcpt.address), raw: raw.replace(/\r?\n[ \t]+/g, " ") };
        messages.push(mail);
        void (control.beforeAnswer?.(mail) ?? Promise.resolve()).then(() => callback());
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

/** A header as a mail client shows it: RFC 2047 encoded words (nodemailer's =?UTF-8?Q?…?=) decoded. */
export function decodeHeader(value: string): string {
  return value
    .replace(/\?=\s+=\?/g, "?==?")
    .replace(/=\?UTF-8\?Q\?([^?]*)\?=/gi, (_, text: string) =>
      Buffer.from(text.replace(/_/g, " ").replace(/=([0-9A-F]{2})/gi, (__, hex: string) => String.fromCharCode(parseInt(hex, 16))), "latin1").toString("utf8"),
    );
}

/** The Subject of a caught mail, decoded. */
export function subjectOf(mail: CaughtMail): string {
  return decodeHeader(/^Subject: (.*)$/m.exec(mail.raw)?.[1] ?? "");
}

/** The plain-text part of a caught mail as its reader sees it (quoted-printable decoded). */
export function textOf(mail: CaughtMail): string {
  const part = /Content-Type: text\/plain[^\n]*\r?\n(?:[^\r\n]+\r?\n)*\r?\n([\s\S]*?)(?:\r?\n--|$)/.exec(mail.raw)?.[1] ?? "";
  const bytes = part.replace(/=\r?\n/g, "").replace(/=([0-9A-F]{2})/gi, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
  return Buffer.from(bytes, "latin1").toString("utf8");
}
