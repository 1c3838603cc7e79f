import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { callbackQuerySchema, GRANT_FAILURES, grantOutcomeQuerySchema, WIZARD_MODES } from "@/features/wizard/schema";

// The two query strings of the grant step that anyone can edit: Slack's callback to Tributary, and
// the Verify page's explanation of a failed grant. Neither may crash its page, and nothing from them
// reaches the audit trail or the page unless it has the shape it claims.

const OBJECT_PROTOTYPE_NAMES = Object.getOwnPropertyNames(Object.prototype).sort();
const QUERY_KEYS = ["code", "state", "error", "missing", "slack", "mode", "granted", "__proto__", "constructor", "prototype"];

const queryValue = fc.oneof(
  fc.string({ unit: "binary" }),
  fc.string({ unit: fc.integer({ min: 0xd800, max: 0xdfff }).map((code) => String.fromCharCode(code)) }),
  fc.string({ minLength: 500, maxLength: 5_000 }),
  fc.constantFrom("", "\u0000", "a\u0000b", "access_denied", "invalid_scope", "auditlogs:read,admin", "<img src=x onerror=alert(1)>", "1", "regrant", ...Object.keys(GRANT_FAILURES)),
);

/** A query as Next.js hands it to a page or a route: own keys, prototype keys included, string values. */
const query = fc.dictionary(fc.oneof(fc.constantFrom(...QUERY_KEYS), fc.string()), queryValue, { maxKeys: 8 }).map((entries) => {
  const result: Record<string, string> = {};
  for (const [key, value] of Object.entries(entries)) Object.defineProperty(result, key, { value, enumerable: true, writable: true, configurable: true });
  return result;
});

describe("the Verify page's query", () => {
  it("always parses (the page uses parse, so a throw would be a 500), keeping only values of the documented shape", () => {
    fc.assert(
      fc.property(query, (input) => {
        const outcome = grantOutcomeQuerySchema.parse(input);
        if (outcome.error !== undefined) expect(Object.keys(GRANT_FAILURES)).toContain(outcome.error);
        if (outcome.mode !== undefined) expect(WIZARD_MODES).toContain(outcome.mode);
        if (outcome.granted !== undefined) expect(outcome.granted).toBe("1");
        // Shown on the page as Slack's own words: short, lowercase codes only.
        if (outcome.slack !== undefined) expect(outcome.slack).toMatch(/^[a-z_]{1,60}$/);
        for (const scope of outcome.missing ?? []) expect(scope).toMatch(/^[a-z:._-]+$/);
        // Parsing "__proto__" or "constructor" keys must not add anything to every object.
        expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(OBJECT_PROTOTYPE_NAMES);
      }),
      { numRuns: 500 },
    );
  });
});

describe("Slack's callback query", () => {
  it("parses or is refused without throwing, and an error it keeps can be stored in the audit trail", () => {
    fc.assert(
      fc.property(query, (input) => {
        const parsed = callbackQuerySchema.safeParse(input);
        if (!parsed.success) {
          for (const issue of parsed.error.issues) expect(issue.message.length).toBeGreaterThan(0);
          return;
        }
        if (parsed.data.error !== undefined) expect(parsed.data.error).toMatch(/^[\w.-]*$/);
        expect(parsed.data.state === undefined || (parsed.data.state.length >= 1 && parsed.data.state.length <= 512)).toBe(true);
      }),
      { numRuns: 500 },
    );
  });

  it("keeps Slack's error codes as they are", () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[a-z_]{1,60}$/), (code) => {
        expect(callbackQuerySchema.parse({ state: "s", error: code }).error).toBe(code);
      }),
      { numRuns: 100 },
    );
  });

  // Found by the property above: the callback recorded `error` in the audit trail's jsonb details,
  // which refused the NUL, so the callback answered 500 instead of explaining the refusal.
  it("records an error that is not a code (a NUL, markup) as a placeholder", () => {
    expect(callbackQuerySchema.parse({ state: "s", error: "a\u0000b" }).error).toBe("unrecognized_error");
    expect(callbackQuerySchema.parse({ state: "s", error: "<script>" }).error).toBe("unrecognized_error");
    expect(callbackQuerySchema.parse({ state: "s", error: "access_denied" }).error).toBe("access_denied");
    // Too long to be a code: recorded the same way, so the state is still spent and the page explains.
    expect(callbackQuerySchema.parse({ state: "s", error: "x".repeat(101) }).error).toBe("unrecognized_error");
  });
});
