import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { decodeEventCursor, encodeEventCursor, eventExportQuerySchema, eventFiltersToSearchParams, eventQuerySchema, parseEventFilters, TIME_RANGES, type EventFilters } from "@/features/events/schema";
import { decodeKeysetCursor, encodeKeysetCursor } from "@/lib/keyset-cursor";

// The explorer's filters and page links: what the page writes into its URL it reads back the same,
// and whatever a hand-edited URL holds parses or is refused with a message, before any query runs.

/** Times Postgres can compare: years 0001 to 9999. */
const queryableDate = fc.date({ min: new Date("0001-01-01T00:00:00.000Z"), max: new Date("9999-12-31T23:59:59.999Z"), noInvalidDate: true });
const eventId = fc.bigInt({ min: 1n, max: 9_223_372_036_854_775_807n });

describe("page links", () => {
  it("an event cursor reads back the position it was made from", () => {
    fc.assert(
      fc.property(queryableDate, eventId, (eventTime, id) => {
        expect(decodeEventCursor(encodeEventCursor({ eventTime, id }))).toEqual({ eventTime, id: id.toString() });
        expect(eventQuerySchema.safeParse({ cursor: encodeEventCursor({ eventTime, id }) }).success).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it("a keyset cursor reads back the position it was made from", () => {
    const rowId = fc.string({ minLength: 1 }).filter((id) => !id.includes("|") && !id.includes("\u0000") && Buffer.from(id, "utf8").toString("utf8") === id);
    fc.assert(
      fc.property(queryableDate, rowId, (at, id) => {
        expect(decodeKeysetCursor(encodeKeysetCursor({ at, id }))).toEqual({ at, id });
      }),
      { numRuns: 300 },
    );
  });

  it("any other text is not a position the database would be asked about", () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.string({ unit: "binary" }).map((text) => Buffer.from(text, "utf8").toString("base64url"))), (cursor) => {
        const event = decodeEventCursor(cursor);
        if (event) {
          expect(event.id).toMatch(/^[0-9]{1,19}$/);
          expect(event.eventTime.getUTCFullYear()).toBeGreaterThanOrEqual(1);
          expect(event.eventTime.getUTCFullYear()).toBeLessThanOrEqual(9999);
        }
        const keyset = decodeKeysetCursor(cursor);
        if (keyset) {
          expect(keyset.id).not.toContain("\u0000");
          expect(keyset.at.getUTCFullYear()).toBeGreaterThanOrEqual(1);
          expect(keyset.at.getUTCFullYear()).toBeLessThanOrEqual(9999);
        }
      }),
      { numRuns: 500 },
    );
  });
});

describe("the explorer's URL", () => {
  const text = fc.string({ unit: "binary", maxLength: 40 });
  const filters: fc.Arbitrary<EventFilters> = fc.record(
    {
      range: fc.constantFrom("custom", ...(Object.keys(TIME_RANGES) as (keyof typeof TIME_RANGES)[])),
      from: text,
      to: text,
      sourceId: text,
      logType: text,
      action: text,
      q: text,
    },
    { requiredKeys: ["range"] },
  );

  it("filters written into the URL read back as the same filters", () => {
    fc.assert(
      fc.property(filters, (written) => {
        const params = eventFiltersToSearchParams(written);
        const read = parseEventFilters(Object.fromEntries(new URLSearchParams(params.toString())));
        // A link is read as a person typed it: trimmed, blanks left out; a time range makes it custom.
        for (const key of ["sourceId", "logType", "action", "q"] as const) expect(read[key]).toBe(written[key]?.trim() || undefined);
        if (written.range !== "custom") expect(read.range).toBe(written.range);
        if (read.range === "custom") {
          expect(read.from).toBe(written.from?.trim() || undefined);
          expect(read.to).toBe(written.to?.trim() || undefined);
        }
      }),
      { numRuns: 300 },
    );
  });

  it("any query the API receives parses, or is refused with a message naming what to fix", () => {
    const value = fc.oneof(fc.string({ unit: "binary" }), fc.constantFrom("", " ", "0000-01-01T00:00:00Z", "9999-12-31T23:59:59-14:00", "2026-01-01T00:00:00Z", "Slack.AuditLogs", "csv", "0", "201", "1e2", "\u0000"));
    const query = fc.dictionary(fc.constantFrom("from", "to", "sourceId", "logType", "action", "q", "cursor", "limit", "format", "__proto__", "constructor"), value, { maxKeys: 6 });
    fc.assert(
      fc.property(query, (input) => {
        for (const schema of [eventQuerySchema, eventExportQuerySchema]) {
          const result = schema.safeParse(input);
          if (!result.success) {
            expect(result.error.issues[0]?.message.length).toBeGreaterThan(0);
            continue;
          }
          // What reaches the query is always a bounded, ordered range Postgres can compare.
          const { from, to } = result.data;
          expect(from ?? to).toBeInstanceOf(Date);
          if (from && to) expect(from.getTime()).toBeLessThan(to.getTime());
          for (const time of [from, to]) if (time) expect(time.getUTCFullYear()).toBeLessThanOrEqual(9999);
        }
      }),
      { numRuns: 500 },
    );
  });
});
