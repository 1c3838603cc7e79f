import type { Logger } from "pino";
import { createLogger, REQUEST_ID_HEADER, resolveRequestId } from "@/lib/logger";

const globalForLogger = globalThis as unknown as { webLogger?: Logger };

/** The web server's root logger (one per process, also across dev reloads). */
export const webLogger: Logger = (globalForLogger.webLogger ??= createLogger("web"));

/** A logger for one request: every line carries the request ID that the proxy assigned. */
export function requestLogger(headers: Headers): Logger {
  return webLogger.child({ requestId: resolveRequestId(headers.get(REQUEST_ID_HEADER)) });
}
