import { describe, expect, it } from "vitest";
import { buildContentSecurityPolicy, buildSecurityHeaders, createNonce, isHttpsUrl, readScriptNonce, STRICT_TRANSPORT_SECURITY } from "@/lib/security-headers";

const NONCE = "bm9uY2Utdm9yLXRlc3Q=";

describe("buildContentSecurityPolicy", () => {
  it("allows only this origin and the request's nonce to run script in production over HTTP", () => {
    expect(buildContentSecurityPolicy({ nonce: NONCE, isDevelopment: false, isHttps: false })).toBe(
      "default-src 'self'; " +
        `script-src 'self' 'nonce-${NONCE}' 'strict-dynamic'; ` +
        "style-src 'self' 'unsafe-inline'; " +
        "img-src 'self' data: blob:; " +
        "font-src 'self' data:; " +
        "connect-src 'self'; " +
        "object-src 'none'; " +
        "base-uri 'self'; " +
        "form-action 'self'; " +
        "frame-ancestors 'none'",
    );
  });

  it("adds 'unsafe-eval' for next dev only", () => {
    expect(buildContentSecurityPolicy({ nonce: NONCE, isDevelopment: false, isHttps: true })).not.toContain("unsafe-eval");
    expect(buildContentSecurityPolicy({ nonce: NONCE, isDevelopment: true, isHttps: false })).toContain(
      `script-src 'self' 'nonce-${NONCE}' 'strict-dynamic' 'unsafe-eval';`,
    );
  });

  it("upgrades insecure requests only when the console is served over HTTPS", () => {
    expect(buildContentSecurityPolicy({ nonce: NONCE, isDevelopment: false, isHttps: true })).toMatch(/; upgrade-insecure-requests$/);
    expect(buildContentSecurityPolicy({ nonce: NONCE, isDevelopment: false, isHttps: false })).not.toContain("upgrade-insecure-requests");
  });
});

describe("buildSecurityHeaders", () => {
  it("sends HSTS only over HTTPS", () => {
    expect(buildSecurityHeaders({ nonce: NONCE, isDevelopment: false, isHttps: true })).toEqual({
      "Content-Security-Policy": buildContentSecurityPolicy({ nonce: NONCE, isDevelopment: false, isHttps: true }),
      "Strict-Transport-Security": STRICT_TRANSPORT_SECURITY,
    });
    expect(Object.keys(buildSecurityHeaders({ nonce: NONCE, isDevelopment: false, isHttps: false }))).toEqual(["Content-Security-Policy"]);
  });
});

describe("createNonce", () => {
  it("is 16 random bytes in base64, new every time", () => {
    const nonces = new Set(Array.from({ length: 100 }, createNonce));
    expect(nonces.size).toBe(100);
    for (const nonce of nonces) {
      expect(nonce).toMatch(/^[A-Za-z0-9+/]{22}==$/);
      expect(Buffer.from(nonce, "base64")).toHaveLength(16);
    }
  });
});

describe("readScriptNonce", () => {
  it("finds the nonce of the policy the proxy puts on the request, in production and in next dev", () => {
    const nonce = createNonce();
    expect(readScriptNonce(buildContentSecurityPolicy({ nonce, isDevelopment: false, isHttps: true }))).toBe(nonce);
    expect(readScriptNonce(buildContentSecurityPolicy({ nonce, isDevelopment: true, isHttps: false }))).toBe(nonce);
  });

  it("finds none without a policy or outside script-src", () => {
    expect(readScriptNonce(null)).toBeUndefined();
    expect(readScriptNonce("default-src 'self'; style-src 'nonce-abc='")).toBeUndefined();
  });
});

describe("isHttpsUrl", () => {
  it("goes by the parsed scheme", () => {
    expect(isHttpsUrl("https://tributary.example.com")).toBe(true);
    expect(isHttpsUrl("HTTPS://tributary.example.com")).toBe(true);
    expect(isHttpsUrl("http://127.0.0.1:3000")).toBe(false);
    expect(isHttpsUrl("http://https.example.com")).toBe(false);
    expect(isHttpsUrl("not a url")).toBe(false);
  });
});
