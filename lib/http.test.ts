import { describe, expect, it } from "vitest";
import { clientAddress, redactPath } from "@/lib/http";

describe("clientAddress", () => {
  it("takes the address the nearest proxy appended, not what the client claimed", () => {
    expect(clientAddress(new Headers({ "x-forwarded-for": "1.2.3.4, 203.0.113.9" }))).toBe("203.0.113.9");
    expect(clientAddress(new Headers({ "x-forwarded-for": "::ffff:127.0.0.1" }))).toBe("127.0.0.1");
    expect(clientAddress(new Headers({ "x-forwarded-for": "2001:db8::1" }))).toBe("2001:db8::1");
    expect(clientAddress(new Headers())).toBeNull();
    expect(clientAddress(new Headers({ "x-forwarded-for": " , " }))).toBeNull();
  });
});

describe("redactPath", () => {
  it("keeps single-use tokens out of logged paths", () => {
    expect(redactPath("/set-password/AbC_12-xyz")).toBe("/set-password/[redacted]");
    expect(redactPath("/set-password/AbC_12-xyz?x=1")).toBe("/set-password/[redacted]?x=1");
    expect(redactPath("/settings/users")).toBe("/settings/users");
  });
});
