import type { NextApiRequest, NextApiResponse } from "next";
import NextAuth from "next-auth";
import { afterAll, afterEach, describe, expect, it, vi } from "vitest";
import { db, disconnectDatabase } from "@/lib/db";
import { hashPassword } from "@/lib/password";
import { uniqueSuffix } from "@/scripts/lib/test-helpers";

// The session cookie's attributes as next-auth really sets them from our options. The e2e suite
// runs over plain HTTP, so the HTTPS case (Secure, and the __Secure- prefix) is checked here.

const PASSWORD = "correct horse battery staple";
const userIds: string[] = [];

afterEach(() => {
  vi.unstubAllEnvs();
});

afterAll(async () => {
  await db.user.deleteMany({ where: { id: { in: userIds } } });
  await disconnectDatabase();
});

async function seedUser() {
  const user = await db.user.create({
    data: { email: `session-${uniqueSuffix()}@example.test`, name: "Session Test", role: "ANALYST", passwordHash: await hashPassword(PASSWORD) },
    select: { id: true, email: true },
  });
  userIds.push(user.id);
  return user;
}

/** Loads session.ts afresh under this PUBLIC_URL (it and getEnv() cache what they read). */
async function authOptionsFor(publicUrl: string) {
  vi.stubEnv("PUBLIC_URL", publicUrl);
  vi.stubEnv("NEXTAUTH_URL", undefined);
  vi.resetModules();
  const { getAuthOptions } = await import("@/features/auth/session");
  return getAuthOptions();
}

/**
 * One call to next-auth through its Node (pages API) entry point, which needs no Next.js request
 * context; it serializes cookies exactly as the app route handler does. Returns Set-Cookie lines.
 */
async function callNextAuth(
  options: Awaited<ReturnType<typeof authOptionsFor>>,
  publicUrl: string,
  action: string[],
  request: { method: "GET" | "POST"; body?: Record<string, string>; cookies?: Record<string, string> },
) {
  const url = new URL(publicUrl);
  const headers = new Map<string, unknown>();
  let body: unknown;
  const response = {
    status: () => response,
    getHeader: (name: string) => headers.get(name.toLowerCase()),
    setHeader: (name: string, value: unknown) => (headers.set(name.toLowerCase(), value), response),
    send: (value: unknown) => void (body = value),
    json: (value: unknown) => void (body = value),
    end: () => undefined,
  };
  const incoming = {
    method: request.method,
    query: { nextauth: action },
    body: request.body,
    cookies: request.cookies ?? {},
    headers: { host: url.host, "x-forwarded-proto": url.protocol.slice(0, -1) },
  };
  await NextAuth(incoming as unknown as NextApiRequest, response as unknown as NextApiResponse, options);
  const setCookie = headers.get("set-cookie");
  return { body, setCookie: Array.isArray(setCookie) ? setCookie.map(String) : [] };
}

async function signIn(publicUrl: string) {
  const options = await authOptionsFor(publicUrl);
  const user = await seedUser();
  const csrf = await callNextAuth(options, publicUrl, ["csrf"], { method: "GET" });
  const csrfCookie = csrf.setCookie[0]!.split(";")[0]!;
  const [csrfName, csrfValue] = csrfCookie.split("=") as [string, string];
  const { csrfToken } = csrf.body as { csrfToken: string };
  const callback = await callNextAuth(options, publicUrl, ["callback", "credentials"], {
    method: "POST",
    body: { csrfToken, email: user.email, password: PASSWORD, json: "true" },
    cookies: { [csrfName]: decodeURIComponent(csrfValue) },
  });
  const sessionCookie = callback.setCookie.find((line) => /^(__Secure-)?next-auth\.session-token=/.test(line));
  if (!sessionCookie) throw new Error(`sign-in set no session cookie: ${JSON.stringify(callback)}`);
  return { csrfCookie: csrf.setCookie[0]!, sessionCookie };
}

function attributes(setCookie: string): string[] {
  return setCookie.split(";").slice(1).map((part) => part.trim().split("=")[0]!.toLowerCase());
}

describe("session cookies", () => {
  it("are Secure, HttpOnly and SameSite=Lax when PUBLIC_URL is https", async () => {
    const { csrfCookie, sessionCookie } = await signIn("https://tributary.example.test");
    expect(sessionCookie).toMatch(/^__Secure-next-auth\.session-token=/);
    expect(attributes(sessionCookie)).toEqual(expect.arrayContaining(["httponly", "secure", "samesite"]));
    expect(sessionCookie).toMatch(/; SameSite=Lax(;|$)/);
    expect(csrfCookie).toMatch(/^__Host-next-auth\.csrf-token=/);
    expect(attributes(csrfCookie)).toEqual(expect.arrayContaining(["httponly", "secure"]));
  });

  it("are HttpOnly and SameSite=Lax but not Secure when PUBLIC_URL is http", async () => {
    const { sessionCookie } = await signIn("http://127.0.0.1:3000");
    expect(sessionCookie).toMatch(/^next-auth\.session-token=/);
    expect(attributes(sessionCookie)).toContain("httponly");
    expect(attributes(sessionCookie)).not.toContain("secure");
    expect(sessionCookie).toMatch(/; SameSite=Lax(;|$)/);
  });
});
