import { describe, expect, it } from "vitest";
import { clientAddress, isSameOriginRequest, redactPath } from "@/lib/http";

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

describe("isSameOriginRequest", () => {
  const PUBLIC_URL = "https://tributary.example.com";

  it("trusts the browser's Sec-Fetch-Site over everything else", () => {
    expect(isSameOriginRequest(new Headers({ "sec-fetch-site": "same-origin" }), PUBLIC_URL)).toBe(true);
    // A sibling subdomain is the same site, and SameSite=Lax would let the cookie through.
    expect(isSameOriginRequest(new Headers({ "sec-fetch-site": "same-site", origin: PUBLIC_URL }), PUBLIC_URL)).toBe(false);
    expect(isSameOriginRequest(new Headers({ "sec-fetch-site": "cross-site" }), PUBLIC_URL)).toBe(false);
    expect(isSameOriginRequest(new Headers({ "sec-fetch-site": "none" }), PUBLIC_URL)).toBe(false);
  });

  it("compares Origin with PUBLIC_URL when the browser sends no Sec-Fetch-Site", () => {
    expect(isSameOriginRequest(new Headers({ origin: PUBLIC_URL }), `${PUBLIC_URL}/`)).toBe(true);
    expect(isSameOriginRequest(new Headers({ origin: "https://tributary.example.com.evil.test" }), PUBLIC_URL)).toBe(false);
    expect(isSameOriginRequest(new Headers({ origin: "http://tributary.example.com" }), PUBLIC_URL)).toBe(false);
    expect(isSameOriginRequest(new Headers({ origin: "null" }), PUBLIC_URL)).toBe(false);
  });

  it("lets a client that is not a browser through: it sent its own cookie", () => {
    expect(isSameOriginRequest(new Headers(), PUBLIC_URL)).toBe(true);
  });
});
