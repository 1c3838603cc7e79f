import { describe, expect, it } from "vitest";
import { safeCallbackPath } from "@/features/auth/schema";

const ORIGIN = "https://tributary.example.com";

describe("safeCallbackPath", () => {
  it("keeps same-origin paths with their query and fragment", () => {
    expect(safeCallbackPath("/events?source=abc#row-3", ORIGIN)).toBe("/events?source=abc#row-3");
    expect(safeCallbackPath(`${ORIGIN}/settings`, ORIGIN)).toBe("/settings");
  });

  it.each([
    "//evil.example/",
    "/\\evil.example",
    "/\t/evil.example",
    "/\n/evil.example",
    "https://evil.example/sources",
    "javascript:alert(1)",
    "http://tributary.example.com/sources",
  ])("sends %j to the default page instead of off-site", (value) => {
    expect(safeCallbackPath(value, ORIGIN)).toBe("/sources");
  });

  it("uses the default page when there is no destination", () => {
    expect(safeCallbackPath(undefined, ORIGIN)).toBe("/sources");
    expect(safeCallbackPath("", ORIGIN)).toBe("/sources");
  });
});
