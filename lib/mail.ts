import nodemailer, { type Transporter } from "nodemailer";

// Sending mail through the operator's SMTP server (SMTP_URL). Callers get the server's answer or an
// error message fit for a log line and the outbox row: never the URL, which may carry a password.

export type OutgoingMail = { from: string; to: readonly string[]; subject: string; text: string; messageId: string };

export type MailResult = { ok: true; messageId: string; response: string } | { ok: false; error: string };

const SMTP_TIMEOUT_MS = 20_000;

export function createMailTransport(smtpUrl: string): Transporter {
  return nodemailer.createTransport(smtpUrl, {
    connectionTimeout: SMTP_TIMEOUT_MS,
    greetingTimeout: SMTP_TIMEOUT_MS,
    socketTimeout: SMTP_TIMEOUT_MS,
  });
}

export async function sendMail(transport: Transporter, mail: OutgoingMail): Promise<MailResult> {
  try {
    const info = await transport.sendMail({ from: mail.from, to: [...mail.to], subject: mail.subject, text: mail.text, messageId: mail.messageId });
    return { ok: true, messageId: info.messageId, response: String(info.response ?? "") };
  } catch (error) {
    const code = typeof error === "object" && error !== null && "code" in error ? ` (${String((error as { code: unknown }).code)})` : "";
    const message = error instanceof Error ? error.message : String(error);
    // nodemailer's messages name the host and the server's reply, never the credentials.
    return { ok: false, error: `${message}${code}`.slice(0, 1000) };
  }
}
