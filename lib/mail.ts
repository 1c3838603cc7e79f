import { Readable } from "node:stream";
import MailComposer from "nodemailer/lib/mail-composer";
import { parseConnectionUrl } from "nodemailer/lib/shared";
import SMTPConnection from "nodemailer/lib/smtp-connection";

// Sending mail through the operator's SMTP server (SMTP_URL), one connection per message: notices
// are few, and a fresh connection never meets a server that dropped an idle one.
//
// The SMTP conversation is driven here (nodemailer's SMTPConnection, not its transport) so the caller
// can act at the one moment that matters for "never sent twice": just before the end of the message
// data (the final "."), after which the server may have taken the message even if its answer never
// reaches us (RFC 1047). `beforeCommit` runs there; the outbox records it (features/notifications).
// Callers get the server's answer or an error message fit for a log line: never the URL, which may
// carry a password.

export type OutgoingMail = { from: string; to: readonly string[]; subject: string; text: string; html?: string | null; messageId: string };

export type MailResult =
  | { ok: true; messageId: string; response: string }
  // `isInDoubt`: the connection failed after the end of the data was sent and before the server
  // answered, so the message may have been delivered. Sending it again could deliver it twice.
  | { ok: false; error: string; isInDoubt: boolean };

export type MailSender = {
  send(mail: OutgoingMail, hooks?: { beforeCommit?: () => Promise<void> }): Promise<MailResult>;
  close(): void;
};

const SMTP_TIMEOUT_MS = 20_000;

type SmtpError = Error & { code?: string; responseCode?: number; response?: string };

function describeError(error: unknown): string {
  const smtp = error as SmtpError;
  const code = typeof smtp?.code === "string" ? ` (${smtp.code})` : "";
  const message = error instanceof Error ? error.message : String(error);
  // nodemailer's messages name the host and the server's reply, never the credentials.
  return `${message}${code}`.slice(0, 1000);
}

export function createMailSender(smtpUrl: string): MailSender {
  const { auth, ...connection } = parseConnectionUrl(smtpUrl) as SMTPConnection.Options & { auth?: { user: string; pass: string } };
  const connections = new Set<SMTPConnection>();
  return {
    async send(mail, hooks = {}) {
      const composed = new MailComposer({ from: mail.from, to: [...mail.to], subject: mail.subject, text: mail.text, html: mail.html ?? undefined, messageId: mail.messageId }).compile();
      const raw = await composed.build();
      const envelope = composed.getEnvelope();
      const smtp = new SMTPConnection({ ...connection, connectionTimeout: SMTP_TIMEOUT_MS, greetingTimeout: SMTP_TIMEOUT_MS, socketTimeout: SMTP_TIMEOUT_MS });
      connections.add(smtp);
      // The conversation's state, as each event sees it: whether it has an outcome, and whether the
      // end of the data had been sent when it got one.
      let isSettled = false;
      let isDataEnded = false;
      let commit: Promise<void> | null = null;
      // nodemailer reads the message once the server has said "354" to DATA. When the envelope is
      // refused it drains the message too, but only after reporting the refusal, so a read after the
      // outcome is known is that drain: the commit hook must not run for a message that is not going out.
      const body = new Readable({
        read() {
          if (commit) return;
          if (isSettled) {
            this.push(null);
            return;
          }
          this.push(raw);
          commit = (hooks.beforeCommit?.() ?? Promise.resolve()).then(
            () => {
              // The connection failed while the hook ran: the "." was never sent.
              if (isSettled) return;
              isDataEnded = true;
              this.push(null);
            },
            (error: unknown) => {
              this.destroy(error instanceof Error ? error : new Error(String(error)));
            },
          );
        },
      });
      type Outcome = { error: SmtpError; wasDataEnded: boolean } | { info: SMTPConnection.SentMessageInfo };
      const outcome = await new Promise<Outcome>((resolve) => {
        const settle = (result: { error: SmtpError } | { info: SMTPConnection.SentMessageInfo }) => {
          if (isSettled) return;
          isSettled = true;
          resolve("error" in result ? { ...result, wasDataEnded: isDataEnded } : result);
        };
        // As nodemailer's own transport does: a connection error may arrive as an event rather than
        // through a callback, and a server that hangs up says nothing at all.
        smtp.on("error", (error: SmtpError) => settle({ error }));
        smtp.once("end", () => setTimeout(() => settle({ error: Object.assign(new Error("The mail server closed the connection unexpectedly"), { code: "ECONNRESET" }) }), 1000).unref());
        smtp.connect(() => {
          const transmit = () =>
            smtp.send({ from: envelope.from || mail.from, to: envelope.to }, body, (error, info) => settle(error ? { error } : { info }));
          if (!auth?.user) return transmit();
          // parseConnectionUrl has already decoded the URL's user and password.
          smtp.login({ user: auth.user, pass: auth.pass }, (error) => (error ? settle({ error }) : transmit()));
        });
      });
      // A hook still writing must finish before the caller records the outcome, or its write could
      // land after the outcome's.
      await (commit as Promise<void> | null)?.catch(() => {});
      connections.delete(smtp);
      if ("info" in outcome) {
        smtp.quit();
        return { ok: true, messageId: mail.messageId, response: String(outcome.info.response ?? "") };
      }
      smtp.close();
      const isAnswered = typeof outcome.error.responseCode === "number";
      return { ok: false, error: describeError(outcome.error), isInDoubt: outcome.wasDataEnded && !isAnswered };
    },
    close() {
      for (const smtp of connections) smtp.close();
    },
  };
}
