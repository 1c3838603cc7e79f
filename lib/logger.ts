import { randomUUID } from "node:crypto";
import pino, { type Logger } from "pino";

// Structured JSON logs on stdout for both processes. Secrets are redacted by key name as a last line
// of defence; code must still never pass a secret to a logger.
const REDACTED_KEYS = ["password", "passwordHash", "token", "accessToken", "clientSecret", "secret", "authorization", "cookie"];

export type Service = "web" | "worker" | "script";

export function createLogger(service: Service, level = process.env.LOG_LEVEL ?? "info"): Logger {
  return pino({
    level,
    base: { service, pid: process.pid },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
    redact: { paths: [...REDACTED_KEYS, ...REDACTED_KEYS.map((key) => `*.${key}`)], censor: "[redacted]" },
  });
}

export const REQUEST_ID_HEADER = "x-request-id";

/** Accepts a caller's request ID only when it is short and harmless, otherwise mints one. */
export function resolveRequestId(incoming: string | null | undefined): string {
  return incoming && /^[A-Za-z0-9._:-]{8,128}$/.test(incoming) ? incoming : randomUUID();
}
