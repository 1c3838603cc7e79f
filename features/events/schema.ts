import { z } from "zod";
import { LOG_TYPES, sourceIdSchema } from "@/features/sources/schema";
import { isQueryableTime } from "@/lib/keyset-cursor";

// The event explorer's filters, as the API reads them and as the page's URL carries them.
// Isomorphic: the explorer builds its URLs and API calls with the same names the server parses.

export const EVENT_PAGE_SIZE = 50;
export const EVENT_PAGE_SIZE_MAX = 200;
export const EVENT_ACTION_MAX = 200;
export const EVENT_SEARCH_MAX = 256;

const HOUR_MS = 3_600_000;
/** What the API shows when asked for no time range: the day an analyst usually starts from. */
export const DEFAULT_RANGE_MS = 24 * HOUR_MS;

const optionalText = (max: number, message: string) =>
  z
    .string()
    .trim()
    .max(max, message)
    .optional()
    .transform((value) => value || undefined);

// An empty form field arrives as "": the same as leaving the filter out.
const blankAsMissing = <T extends z.ZodType>(schema: T) => z.preprocess((value) => (value === "" ? undefined : value), schema.optional());

// "0000-01-01T00:00:00Z" is valid ISO 8601, and an offset can push 9999-12-31 into year 10000; both
// would fail the query (a 500) rather than match nothing, so they are refused here with a reason.
const optionalTime = (label: "From" | "To") =>
  blankAsMissing(
    z.iso
      .datetime({ offset: true, error: `${label} must be an ISO-8601 time with an offset, such as 2026-12-01T00:00:00Z` })
      .transform((value) => new Date(value))
      .refine(isQueryableTime, `${label} must be a time between the years 0001 and 9999 (UTC)`),
  );

const eventFilterFields = {
  from: optionalTime("From"),
  to: optionalTime("To"),
  sourceId: blankAsMissing(sourceIdSchema),
  logType: blankAsMissing(z.enum(LOG_TYPES, { error: `Log type must be one of ${LOG_TYPES.join(", ")}` })),
  action: optionalText(EVENT_ACTION_MAX, `An action is at most ${EVENT_ACTION_MAX} characters`),
  q: optionalText(EVENT_SEARCH_MAX, `Search for one IP address, email or username of at most ${EVENT_SEARCH_MAX} characters`),
};

const RANGE_ORDER_ERROR = { message: "The start of the time range must be before its end", path: ["from"] };
const isOrderedRange = (query: { from?: Date; to?: Date }) => !query.from || !query.to || query.from < query.to;
function withDefaultRange<T extends { from?: Date; to?: Date }>(query: T): T {
  return query.from || query.to ? query : { ...query, from: new Date(Date.now() - DEFAULT_RANGE_MS) };
}

/** `from` inclusive, `to` exclusive; neither given means the last 24 hours. */
export const eventQuerySchema = z
  .object({
    ...eventFilterFields,
    cursor: optionalText(200, "This page link is no longer valid: reload the events").refine(
      (cursor) => !cursor || decodeEventCursor(cursor) !== null,
      "This page link is no longer valid: reload the events",
    ),
    limit: z.coerce
      .number({ error: `Limit must be a number from 1 to ${EVENT_PAGE_SIZE_MAX}` })
      .int(`Limit must be a number from 1 to ${EVENT_PAGE_SIZE_MAX}`)
      .min(1, `Limit must be a number from 1 to ${EVENT_PAGE_SIZE_MAX}`)
      .max(EVENT_PAGE_SIZE_MAX, `Limit must be a number from 1 to ${EVENT_PAGE_SIZE_MAX}`)
      .default(EVENT_PAGE_SIZE),
  })
  .refine(isOrderedRange, RANGE_ORDER_ERROR)
  .transform(withDefaultRange);
export type EventQuery = z.output<typeof eventQuerySchema>;

export const EXPORT_FORMATS = ["ndjson", "csv"] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export const eventExportQuerySchema = z
  .object({ ...eventFilterFields, format: z.enum(EXPORT_FORMATS, { error: "Format must be ndjson or csv" }).default("ndjson") })
  .refine(isOrderedRange, RANGE_ORDER_ERROR)
  .transform(withDefaultRange);
export type EventExportQuery = z.output<typeof eventExportQuerySchema>;

/** What selects events, shared by the explorer's pages and the exports (web and command line). */
export type EventFilter = { from?: Date; to?: Date; sourceId?: string; logType?: string; action?: string; q?: string };

// ---- responses -----------------------------------------------------------------------------------

export const eventRowSchema = z.object({
  // bigint in Postgres: a string, so ids past 2^53 survive JSON.
  id: z.string(),
  eventTime: z.string(),
  logType: z.string(),
  sourceId: z.string(),
  sourceLabel: z.string(),
  action: z.string().nullable(),
  /** Who did it, as the event names them: an email where there is one, otherwise a name or Slack ID. */
  actor: z.string().nullable(),
  ipAddresses: z.array(z.string()),
  emails: z.array(z.string()),
  usernames: z.array(z.string()),
  rowId: z.string(),
  event: z.record(z.string(), z.unknown()),
});
export type EventRow = z.infer<typeof eventRowSchema>;

export const eventPageSchema = z.object({ events: z.array(eventRowSchema), nextCursor: z.string().nullable() });
export type EventPage = z.infer<typeof eventPageSchema>;

/** Keyset cursor: the (p_event_time, id) of the last event shown, opaque to the client. */
export function encodeEventCursor(event: { eventTime: Date; id: bigint | string }): string {
  return Buffer.from(`${event.eventTime.toISOString()}|${event.id}`, "utf8").toString("base64url");
}

// Nineteen digits covers every positive bigint; anything else never came from encodeEventCursor.
const CURSOR_ID = /^[0-9]{1,19}$/;

export function decodeEventCursor(cursor: string): { eventTime: Date; id: string } | null {
  const [time, id, ...rest] = Buffer.from(cursor, "base64url").toString("utf8").split("|");
  if (!time || !id || rest.length > 0 || !CURSOR_ID.test(id) || BigInt(id) > 9_223_372_036_854_775_807n) return null;
  const eventTime = new Date(time);
  return isQueryableTime(eventTime) ? { eventTime, id } : null;
}

// ---- the page's URL --------------------------------------------------------------------------------

/** Presets keep the URL relative ("the last hour" stays the last hour when the link is opened later). */
export const TIME_RANGES = {
  "1h": { label: "Last 1 hour", ms: HOUR_MS },
  "24h": { label: "Last 24 hours", ms: DEFAULT_RANGE_MS },
  "7d": { label: "Last 7 days", ms: 7 * DEFAULT_RANGE_MS },
  "30d": { label: "Last 30 days", ms: 30 * DEFAULT_RANGE_MS },
} as const;
export type TimeRangePreset = keyof typeof TIME_RANGES;
export type TimeRange = TimeRangePreset | "custom";
export const DEFAULT_TIME_RANGE: TimeRangePreset = "24h";

/** The explorer's filters as its URL carries them: strings, exactly as typed or linked. */
export type EventFilters = { range: TimeRange; from?: string; to?: string; sourceId?: string; logType?: string; action?: string; q?: string };

const FILTER_TEXT_KEYS = ["from", "to", "sourceId", "logType", "action", "q"] as const;
const isTimeRangePreset = (value: string): value is TimeRangePreset => Object.hasOwn(TIME_RANGES, value);

/**
 * Reads the page's search params without judging them: a bad value in a shared link reaches the
 * API, whose message then says what is wrong, instead of being dropped without a word.
 */
export function parseEventFilters(params: Record<string, string | string[] | undefined>): EventFilters {
  const first = (key: string) => {
    const value = params[key];
    const text = (Array.isArray(value) ? value[0] : value)?.trim();
    return text || undefined;
  };
  const filters: EventFilters = { range: DEFAULT_TIME_RANGE };
  for (const key of FILTER_TEXT_KEYS) {
    const value = first(key);
    if (value) filters[key] = value;
  }
  const range = first("range");
  if (filters.from || filters.to) filters.range = "custom";
  else if (range && isTimeRangePreset(range)) filters.range = range;
  return filters;
}

/** The page URL's query string for these filters (the default range is left out). */
export function eventFiltersToSearchParams(filters: EventFilters): URLSearchParams {
  const params = new URLSearchParams();
  if (filters.range !== "custom" && filters.range !== DEFAULT_TIME_RANGE) params.set("range", filters.range);
  for (const key of FILTER_TEXT_KEYS) {
    if ((key === "from" || key === "to") && filters.range !== "custom") continue;
    const value = filters[key];
    if (value) params.set(key, value);
  }
  return params;
}

/** The API's (and the export's) query string: a preset becomes `from`, counted back from now. */
export function eventFiltersToApiParams(filters: EventFilters, now: number): URLSearchParams {
  const params = eventFiltersToSearchParams(filters);
  params.delete("range");
  if (filters.range !== "custom") params.set("from", new Date(now - TIME_RANGES[filters.range].ms).toISOString());
  return params;
}

export function isFiltered(filters: EventFilters): boolean {
  return filters.range !== DEFAULT_TIME_RANGE || FILTER_TEXT_KEYS.some((key) => Boolean(filters[key]));
}
