import { describe, expect, it } from "vitest";
import { resolveRequestId } from "@/lib/logger";

describe("resolveRequestId", () => {
  it("keeps a well-formed incoming ID", () => {
    expect(resolveRequestId("req-1234abcd")).toBe("req-1234abcd");
  });

  it("mints a UUID for missing, short or hostile values", () => {
    for (const incoming of [null, undefined, "", "abc", "x".repeat(200), "bad id\nwith newline", "<script>"]) {
      expect(resolveRequestId(incoming)).toMatch(/^[0-9a-f-]{36}$/);
    }
  });
});
