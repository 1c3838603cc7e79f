import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  ALARM_MAX_MINUTES,
  ALARM_MAX_RECIPIENTS,
  alarmSettingsSchemaFor,
  backfillInputSchema,
  BACKFILL_MAX_MINUTES,
  clientIdSchema,
  clientSecretSchema,
  credentialsInputSchema,
  deleteSourceInputSchema,
  LOG_TYPES,
  recipientsSchema,
  renameSourceInputSchema,
  replayWindowInputSchema,
  SLACK_PLANS,
  sourceConfigSchema,
  sourceNameKey,
  sourceNameSchema,
} from "@/features/sources/schema";

// The wizard's and the settings forms' inputs, as a server action receives them: anything a browser
// (or someone posting to the action directly) can send. Each parse either succeeds with a tidy value
// or fails with messages a person can act on; it never throws.

const SOURCE_ID = "cmww9jbi900185o7d5fp9weop";

type Parse = { safeParse: (input: unknown) => { success: boolean; error?: { issues: readonly { message: string; path: readonly PropertyKey[] }[] } } };

const WIZARD_SCHEMAS: [string, Parse][] = [
  ["source config", sourceConfigSchema],
  ["credentials", credentialsInputSchema],
  ["alarm settings", alarmSettingsSchemaFor()],
  ["alarm settings with a lowered minimum", alarmSettingsSchemaFor(1)],
  ["rename", renameSourceInputSchema],
  ["backfill", backfillInputSchema],
  ["replay window", replayWindowInputSchema],
  ["delete", deleteSourceInputSchema],
];

const FIELD_NAMES = ["name", "plan", "logTypes", "backfillMinutes", "sourceId", "clientId", "clientSecret", "isEnabled", "thresholdMinutes", "recipients", "logType", "from", "to", "confirmName", "keepEvents"];
const HOSTILE_KEYS = ["__proto__", "constructor", "prototype", "toString", "valueOf"];

const hostileText = fc.oneof(
  fc.string({ unit: "binary" }),
  fc.string({ unit: fc.integer({ min: 0xd800, max: 0xdfff }).map((code) => String.fromCharCode(code)) }),
  fc.string({ minLength: 10_000, maxLength: 50_000 }),
  fc.constantFrom("\u0000", "a\u0000b", "\u202eevil", "\u200b", "' OR 1=1 --", "<script>alert(1)</script>", "__proto__", "ENTERPRISE_GRID", "Slack.AuditLogs", SOURCE_ID, "1234567890123.1234567890123", "a@example.com", "2026-03-01T14:30"),
);

const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  hostileText,
  fc.anything({ withBigInt: true, withMap: true, withSet: true, withDate: true, withNullPrototype: true, withObjectString: true, withBoxedValues: true }),
  fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY, -0, 1e21, [], {}, null, undefined, true),
  fc.array(hostileText, { maxLength: 30 }),
);

/** A form submission: known fields with hostile values, prototype keys set as JSON.parse sets them. */
const hostileInput: fc.Arbitrary<unknown> = fc.oneof(
  fc.dictionary(fc.oneof(fc.constantFrom(...FIELD_NAMES), fc.constantFrom(...HOSTILE_KEYS), fc.string()), hostileValue, { maxKeys: 10 }).map((fields) => {
    const input: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(fields)) Object.defineProperty(input, key, { value, enumerable: true, writable: true, configurable: true });
    return input;
  }),
  hostileValue,
);

function expectClearIssues(result: ReturnType<Parse["safeParse"]>) {
  if (result.success) return;
  const issues = result.error?.issues ?? [];
  expect(issues.length).toBeGreaterThan(0);
  for (const issue of issues) {
    expect(issue.message.trim().length).toBeGreaterThan(0);
    // A message to show under a field, not a dump of what was sent.
    expect(issue.message.length).toBeLessThan(400);
  }
}

describe("wizard and settings inputs", () => {
  it.each(WIZARD_SCHEMAS)("%s: any input parses or fails with clear messages, and never throws", (_name, schema) => {
    fc.assert(
      fc.property(hostileInput, (input) => {
        expectClearIssues(schema.safeParse(input));
        expect(({} as Record<string, unknown>).polluted).toBeUndefined();
      }),
      { numRuns: 150 },
    );
  });
});

// ---- source names ----------------------------------------------------------------------------------

/** What a person types: visible characters with spaces, tabs and new lines around and between them. */
const visibleWord = fc.string({ unit: fc.constantFrom(..."abcXYZ019-_.éßДж中文🦊😀ا"), minLength: 1, maxLength: 8 });
const typedName = fc.tuple(fc.array(visibleWord, { minLength: 1, maxLength: 6 }), fc.constantFrom(" ", "  ", "\t", "\n", " \u00a0")).map(([words, gap]) => `${gap}${words.join(gap)}${gap}`);

describe("source names", () => {
  it("a typed name of visible characters is stored trimmed, single-spaced and NFC, and reads back the same", () => {
    fc.assert(
      fc.property(typedName, (typed) => {
        const result = sourceNameSchema.safeParse(typed);
        const tidy = typed.normalize("NFC").replace(/\s+/gu, " ").trim();
        if ([...tidy].length > 64) {
          expect(result.error?.issues[0]?.message).toBe("Use at most 64 characters");
          return;
        }
        expect(result.data).toBe(tidy);
        // Saving the stored name again (the rename form starts from it) changes nothing.
        expect(sourceNameSchema.parse(result.data)).toBe(result.data);
        // Names are unique regardless of case: another capitalization is the same name.
        expect(sourceNameKey(result.data!.toLowerCase())).toBe(sourceNameKey(result.data!));
      }),
      { numRuns: 300 },
    );
  });

  it("a name hiding a control, format or separator character is refused and says why", () => {
    // (U+2028, U+2029 and U+FEFF count as white space in JavaScript: they become a plain space.)
    const hidden = fc.constantFrom("\u0000", "\u0007", "\u001b", "\u007f", "\u0085", "\u200b", "\u200e", "\u202e", "\u2066", "\u00ad", "\u180e");
    fc.assert(
      fc.property(visibleWord, hidden, visibleWord, (before, character, after) => {
        const result = sourceNameSchema.safeParse(`${before}${character}${after}`);
        expect(result.success).toBe(false);
        expect(result.error?.issues[0]?.message).toBe("Use visible characters only: no control or zero-width characters");
      }),
      { numRuns: 200 },
    );
  });
});

// ---- plan and log types ------------------------------------------------------------------------------

describe("plan and log types", () => {
  it("a configuration is accepted exactly when the plan offers its log types, audit logs alone", () => {
    fc.assert(
      fc.property(fc.constantFrom(...SLACK_PLANS), fc.array(fc.constantFrom(...LOG_TYPES), { maxLength: 3 }), fc.integer({ min: -10, max: BACKFILL_MAX_MINUTES + 10 }), (plan, logTypes, backfillMinutes) => {
        const result = sourceConfigSchema.safeParse({ name: "Slack", plan, logTypes, backfillMinutes });
        const chosen = new Set(logTypes);
        const isAllowed =
          plan !== "FREE" &&
          chosen.size > 0 &&
          (chosen.has("Slack.AuditLogs") ? plan === "ENTERPRISE_GRID" && chosen.size === 1 : true) &&
          backfillMinutes >= 0 &&
          backfillMinutes <= BACKFILL_MAX_MINUTES;
        expect(result.success).toBe(isAllowed);
        if (result.success) {
          // Stored once each, in the one order every screen lists them.
          expect(result.data.logTypes).toEqual(LOG_TYPES.filter((type) => chosen.has(type)));
          expect(result.data.backfillMinutes).toBe(backfillMinutes);
        } else {
          expectClearIssues(result);
        }
      }),
      { numRuns: 300 },
    );
  });
});

// ---- app credentials ---------------------------------------------------------------------------------

describe("app credentials", () => {
  it("a Client ID is accepted exactly when it is two numbers joined by a dot, spaces around ignored", () => {
    const clientIdLike = fc.oneof(
      fc.tuple(fc.stringMatching(/^\d{4,20}$/), fc.stringMatching(/^\d{4,20}$/), fc.constantFrom("", " ", "\t", "\n")).map(([a, b, pad]) => `${pad}${a}.${b}${pad}`),
      fc.tuple(fc.stringMatching(/^\d{0,25}$/), fc.constantFrom(".", ",", "..", ""), fc.stringMatching(/^\d{0,25}$/)).map(([a, dot, b]) => `${a}${dot}${b}`),
      hostileText,
    );
    fc.assert(
      fc.property(clientIdLike, (typed) => {
        const result = clientIdSchema.safeParse(typed);
        const trimmed = typed.trim();
        expect(result.success).toBe(trimmed.length <= 64 && /^\d{4,20}\.\d{4,20}$/.test(trimmed));
        if (result.success) expect(result.data).toBe(trimmed);
        else expectClearIssues(result);
      }),
      { numRuns: 300 },
    );
  });

  it("a Client Secret never carries spaces or a Slack token into storage", () => {
    const secretLike = fc.oneof(fc.stringMatching(/^[0-9a-f]{32}$/), fc.stringMatching(/^xox[a-z]-[\w-]{1,40}$/), hostileText);
    fc.assert(
      fc.property(secretLike, (typed) => {
        const result = clientSecretSchema.safeParse(typed);
        if (!result.success) return expectClearIssues(result);
        expect(result.data).toBe(typed.trim());
        expect(result.data).not.toMatch(/\s/);
        expect(result.data).not.toMatch(/^xox[a-z]-/);
        expect(result.data.length).toBeLessThanOrEqual(256);
      }),
      { numRuns: 300 },
    );
  });
});

// ---- drop-off alarm ----------------------------------------------------------------------------------

describe("drop-off alarm settings", () => {
  it("a threshold in range with recipients is accepted, with each address once whatever its case", () => {
    const address = fc.tuple(fc.constantFrom("ops", "Alice", "soc.team", "x+alarms"), fc.constantFrom("example.com", "Example.COM", "corp.example.org"));
    fc.assert(
      fc.property(fc.array(address, { minLength: 1, maxLength: 30 }), fc.constantFrom(", ", ";", "\n", " "), fc.integer({ min: 15, max: ALARM_MAX_MINUTES }), (addresses, separator, thresholdMinutes) => {
        const typed = addresses.map(([local, domain]) => `${local}@${domain}`);
        const distinct = new Set(typed.map((email) => email.toLowerCase()));
        const result = alarmSettingsSchemaFor().safeParse({ sourceId: SOURCE_ID, isEnabled: true, thresholdMinutes: String(thresholdMinutes), recipients: typed.join(separator) });
        if (distinct.size > ALARM_MAX_RECIPIENTS) {
          expect(result.error?.issues[0]?.message).toBe(`At most ${ALARM_MAX_RECIPIENTS} recipients`);
          return;
        }
        expect(result.data?.thresholdMinutes).toBe(thresholdMinutes);
        expect(new Set(result.data?.recipients.map((email) => email.toLowerCase()))).toEqual(distinct);
        expect(result.data?.recipients).toHaveLength(distinct.size);
      }),
      { numRuns: 300 },
    );
  });

  it("a threshold outside 15 minutes to 30 days, or not a whole number, is refused on its own field", () => {
    const threshold = fc.oneof(fc.integer({ min: -1_000_000, max: 14 }), fc.integer({ min: ALARM_MAX_MINUTES + 1 }), fc.double({ noInteger: true }), fc.constantFrom("", "abc", "1e999", "15.5"));
    fc.assert(
      fc.property(threshold, (thresholdMinutes) => {
        const result = alarmSettingsSchemaFor().safeParse({ sourceId: SOURCE_ID, isEnabled: false, thresholdMinutes, recipients: "" });
        expect(result.success).toBe(false);
        expect(result.error?.issues.map((issue) => issue.path.join("."))).toContain("thresholdMinutes");
        expectClearIssues(result);
      }),
      { numRuns: 200 },
    );
  });

  it("a recipient list with anything that is not an address names the part it refuses", () => {
    const notAnAddress = fc.oneof(fc.constantFrom("not-an-email", "a@", "@b.c", "a@@b.c", "<script>@x"), fc.string({ minLength: 1 }).filter((text) => !text.includes("@") && text.trim() !== "" && !/[\s,;]/.test(text)));
    fc.assert(
      fc.property(notAnAddress, (bad) => {
        const result = recipientsSchema.safeParse(`ok@example.com, ${bad}`);
        expect(result.success).toBe(false);
        expect(result.error?.issues[0]?.message).toContain(`"${bad.slice(0, 80)}"`);
      }),
      { numRuns: 200 },
    );
  });
});
