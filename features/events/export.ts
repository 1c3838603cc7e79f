import { streamEvents, type ExportedEvent } from "@/features/events/data";
import type { EventFilter, ExportFormat } from "@/features/events/schema";

// Exports of the explorer's current filter, written while they are read: one keyset page in memory,
// and the next one only read when the client has taken the previous bytes.

export const EVENT_CSV_COLUMNS = [
  "p_event_time",
  "p_log_type",
  "p_source_label",
  "p_source_id",
  "action",
  "p_any_ip_addresses",
  "p_any_emails",
  "p_any_usernames",
  "p_row_id",
  "event",
] as const;

export const EXPORT_CONTENT_TYPES: Record<ExportFormat, string> = {
  ndjson: "application/x-ndjson; charset=utf-8",
  csv: "text/csv; charset=utf-8; header=present",
};

// A spreadsheet runs a cell that starts like a formula (OWASP "CSV injection"); Slack fields such as a
// channel name or a user agent are attacker-controlled, so such cells get a leading apostrophe.
const FORMULA_START = /^[=+\-@\t\r]/;

function formatCsvCell(value: string): string {
  const defused = FORMULA_START.test(value) ? `'${value}` : value;
  // RFC 4180: quote a field holding a comma, quote or line break, doubling its quotes.
  return /[",\r\n]/.test(defused) ? `"${defused.replaceAll('"', '""')}"` : defused;
}

/** One CSV record with its CRLF line ending (RFC 4180). */
export function formatCsvRow(cells: readonly string[]): string {
  return `${cells.map(formatCsvCell).join(",")}\r\n`;
}

export function formatEventCsvRow(event: ExportedEvent): string {
  return formatCsvRow([
    event.eventTime.toISOString(),
    event.logType,
    event.sourceLabel,
    event.sourceId,
    event.action ?? "",
    event.ipAddresses.join(" "),
    event.emails.join(" "),
    event.usernames.join(" "),
    event.rowId,
    JSON.stringify(event.event),
  ]);
}

export function formatEventNdjsonLine(event: ExportedEvent): string {
  return `${JSON.stringify(event.event)}\n`;
}

/** `tributary-events-20261201T103000Z.csv`: sorts by time, and has no characters a file system refuses. */
export function exportFileName(format: ExportFormat, now: Date): string {
  const stamp = now.toISOString().replace(/\.\d+Z$/, "Z").replaceAll("-", "").replaceAll(":", "");
  return `tributary-events-${stamp}.${format}`;
}

// Rows are gathered into chunks of about this size: one enqueue per row would cost more than the row.
const CHUNK_BYTES = 64 * 1024;

/**
 * The filter's events as a byte stream. Pull-based: the database is read only when the consumer
 * asks for more, so a slow client slows the walk instead of filling memory, and a client that
 * goes away ends the walk between two pages.
 */
export function createEventExportStream(filter: EventFilter, format: ExportFormat, options: { signal?: AbortSignal; onError?: (error: unknown) => void } = {}): ReadableStream<Uint8Array> {
  const { signal, onError } = options;
  const events = streamEvents(filter, { order: "newest" });
  // Cancelling the body is how a closed connection normally arrives; the request's signal covers a
  // server that only aborts the request.
  signal?.addEventListener("abort", () => void events.return(undefined), { once: true });
  const encoder = new TextEncoder();
  const formatRow = format === "csv" ? formatEventCsvRow : formatEventNdjsonLine;
  let header = format === "csv" ? formatCsvRow(EVENT_CSV_COLUMNS) : "";
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      let chunk = header;
      header = "";
      try {
        while (chunk.length < CHUNK_BYTES) {
          const next = await events.next();
          if (next.done) {
            if (chunk) controller.enqueue(encoder.encode(chunk));
            controller.close();
            return;
          }
          chunk += formatRow(next.value);
        }
      } catch (error) {
        // The status line is long sent: erroring the stream aborts the response, so the browser
        // reports a failed download instead of saving a file that silently stops half-way.
        onError?.(error);
        controller.error(error);
        return;
      }
      controller.enqueue(encoder.encode(chunk));
    },
    async cancel() {
      await events.return(undefined);
    },
  });
}
