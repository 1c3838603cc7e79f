import { spawnSync } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import pg from "pg";
import { hashPassword } from "@/lib/password";
import { startProcess, stopProcess, waitForHttp, type ManagedProcess } from "@/scripts/lib/processes";

// The real console, built for production into its own directory and served by `next start`, so the
// figures include everything a browser's API call goes through: the proxy, next-auth's session
// check, zod, Prisma and Postgres.

/** Where the bench builds. NEXT_DIST_DIR serves another build instead (with --no-build), such as the
 * `.next` the test runner has just built, so the smoke run in `npm test` needs no build of its own. */
export const BENCH_DIST_DIR = ".next-bench";
export const SERVED_DIST_DIR = process.env.NEXT_DIST_DIR || BENCH_DIST_DIR;
const BUILD_STAMP = join(BENCH_DIST_DIR, "bench-build.json");

export type AppEnvironment = Record<string, string>;

/** What the web process needs (lib/env.ts), pointed at the bench database and its own queue prefix. */
export function benchAppEnvironment(databaseUrl: string, port: number): AppEnvironment {
  return {
    NODE_ENV: "production",
    NEXT_DIST_DIR: SERVED_DIST_DIR,
    NEXT_TELEMETRY_DISABLED: "1",
    DATABASE_URL: databaseUrl,
    REDIS_URL: process.env.BENCH_REDIS_URL || "redis://127.0.0.1:6379",
    PUBLIC_URL: `http://127.0.0.1:${port}`,
    PORT: String(port),
    // Fixed, bench-only values: they protect nothing real.
    NEXTAUTH_SECRET: "bench-only-secret-0123456789abcdef0123456789",
    ENCRYPTION_KEYS: `bench1:${Buffer.alloc(32, 9).toString("base64")}`,
    QUEUE_PREFIX: "tributary-bench",
    // A line per request would be thousands of lines and would cost the server time being measured.
    LOG_LEVEL: "warn",
    // No worker runs in the dashboard scenario and nothing may reach the real Slack or a mail server.
    SLACK_API_URL: "http://127.0.0.1:9/api",
    SLACK_AUDIT_API_URL: "http://127.0.0.1:9/audit/v1",
    SLACK_OAUTH_AUTHORIZE_URL: "http://127.0.0.1:9/oauth/v2/authorize",
    SMTP_URL: "smtp://127.0.0.1:9",
  };
}

function git(args: string[]): string {
  const result = spawnSync("git", args, { encoding: "utf8", maxBuffer: 256 * 1024 * 1024 });
  return result.status === 0 ? result.stdout : "";
}

/**
 * The app's source as it is now: HEAD, uncommitted changes and untracked files, bench/ and docs
 * left out (the build does not contain them). Equal fingerprints mean the last bench build is current.
 */
export function sourceFingerprint(): string {
  const outside = [".", ":(exclude)bench", ":(exclude)README.md", ":(exclude)e2e"];
  const hash = createHash("sha256");
  hash.update(git(["rev-parse", "HEAD"]));
  hash.update(git(["diff", "HEAD", "--binary", "--", ...outside]));
  for (const file of git(["ls-files", "--others", "--exclude-standard", "--", ...outside]).split("\n").filter(Boolean).sort()) {
    hash.update(file).update("\0");
    if (existsSync(file)) hash.update(readFileSync(file));
  }
  return hash.digest("hex").slice(0, 16);
}

export function isBuildCurrent(fingerprint: string): boolean {
  if (!existsSync(join(BENCH_DIST_DIR, "BUILD_ID")) || !existsSync(BUILD_STAMP)) return false;
  try {
    return (JSON.parse(readFileSync(BUILD_STAMP, "utf8")) as { fingerprint?: string }).fingerprint === fingerprint;
  } catch {
    return false;
  }
}

/**
 * `next build` into .next-bench. The build rewrites next-env.d.ts to import its own route types;
 * that file is shared with everyone else's type-check, so it is put back as it was.
 */
export function buildApp(environment: AppEnvironment, fingerprint: string): { ok: boolean; seconds: number; output: string } {
  const nextEnvPath = "next-env.d.ts";
  const nextEnvBefore = existsSync(nextEnvPath) ? readFileSync(nextEnvPath, "utf8") : null;
  const startedAt = Date.now();
  try {
    rmSync(BUILD_STAMP, { force: true });
    const result = spawnSync("node_modules/.bin/next", ["build"], { env: { ...process.env, ...environment }, encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
    const ok = result.status === 0;
    if (ok) writeFileSync(BUILD_STAMP, `${JSON.stringify({ fingerprint, builtAt: new Date().toISOString() })}\n`);
    return { ok, seconds: (Date.now() - startedAt) / 1000, output: `${result.stdout}${result.stderr}` };
  } finally {
    if (nextEnvBefore === null) rmSync(nextEnvPath, { force: true });
    else writeFileSync(nextEnvPath, nextEnvBefore);
  }
}

export async function startApp(environment: AppEnvironment, port: number): Promise<ManagedProcess> {
  const web = startProcess("web", "node_modules/.bin/next", ["start", "--port", String(port), "--hostname", "127.0.0.1"], {
    env: { ...process.env, ...environment },
  });
  let hasExited = false;
  void web.exited.then(() => {
    hasExited = true;
  });
  if (!(await waitForHttp(`http://127.0.0.1:${port}/api/healthz`, 60_000, () => !hasExited))) {
    await stopProcess(web, 5_000);
    throw new Error("the web server did not answer /api/healthz within 60 s (see its output above)");
  }
  return web;
}

export { stopProcess };

export const BENCH_ADMIN_EMAIL = "bench-admin@example.test";

/** An admin with a fresh password, written straight into the bench database (as e2e's seedUser does). */
export async function seedAdmin(databaseUrl: string): Promise<{ email: string; password: string }> {
  const password = `pw-${randomBytes(12).toString("base64url")}`;
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query(
      `INSERT INTO users (id, email, name, password_hash, role, updated_at) VALUES ('cbenchadmin0000000000000001', $1, 'Bench Admin', $2, 'ADMIN', now())
       ON CONFLICT (email) DO UPDATE SET password_hash = EXCLUDED.password_hash, role = 'ADMIN', disabled_at = NULL, updated_at = now()`,
      [BENCH_ADMIN_EMAIL, await hashPassword(password)],
    );
  } finally {
    await client.end().catch(() => {});
  }
  return { email: BENCH_ADMIN_EMAIL, password };
}

function cookiePairs(response: Response): string[] {
  return response.headers.getSetCookie().map((line) => line.split(";", 1)[0]!);
}

/** Signs in through next-auth's credentials endpoint, as the browser's form does; returns the Cookie header. */
export async function signIn(baseUrl: string, user: { email: string; password: string }): Promise<string> {
  const csrf = await fetch(`${baseUrl}/api/auth/csrf`);
  if (!csrf.ok) throw new Error(`GET /api/auth/csrf answered HTTP ${csrf.status}`);
  const { csrfToken } = (await csrf.json()) as { csrfToken: string };
  const callback = await fetch(`${baseUrl}/api/auth/callback/credentials`, {
    method: "POST",
    redirect: "manual",
    headers: { "content-type": "application/x-www-form-urlencoded", cookie: cookiePairs(csrf).join("; ") },
    body: new URLSearchParams({ csrfToken, email: user.email, password: user.password, json: "true" }),
  });
  const session = cookiePairs(callback).find((pair) => pair.includes("next-auth.session-token="));
  if (!session) throw new Error(`sign-in set no session cookie (HTTP ${callback.status})`);
  return session;
}
