// @next/env is a bundled CommonJS module whose named exports Node cannot detect from ESM.
import nextEnv from "@next/env";
import { z } from "zod";

// Every setting Tributary reads, validated in one place and shared by web, worker and scripts.
// Defaults make a local install work out of the box; secrets have none on purpose.

export const DEFAULT_DATABASE_URL = "postgresql://postgres@127.0.0.1:5432/tributary";
export const DEFAULT_REDIS_URL = "redis://127.0.0.1:6379";

const ENCRYPTION_KEY_BYTES = 32;
const LOG_LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"] as const;

function urlWithProtocols(protocols: string[], hint: string) {
  return z.string().trim().refine((value) => {
    try {
      return protocols.includes(new URL(value).protocol);
    } catch {
      return false;
    }
  }, `must be a ${hint} URL`);
}

const httpUrl = urlWithProtocols(["http:", "https:"], "http(s)://").transform((value) => value.replace(/\/+$/, ""));

const encryptionKeys = z
  .string()
  .trim()
  .min(1, "is missing: set it to id:base64key (generate a key with: openssl rand -base64 32)")
  .transform((value, ctx) => {
    const keys: { id: string; key: Buffer }[] = [];
    for (const entry of value.split(",")) {
      const separator = entry.indexOf(":");
      const id = entry.slice(0, separator).trim();
      const material = entry.slice(separator + 1).trim();
      const key = Buffer.from(material, "base64");
      if (separator < 1 || !/^[A-Za-z0-9_-]{1,32}$/.test(id)) {
        ctx.addIssue({ code: "custom", message: "must be a comma-separated list of id:base64key entries" });
        return z.NEVER;
      }
      if (key.length !== ENCRYPTION_KEY_BYTES || key.toString("base64") !== material) {
        ctx.addIssue({ code: "custom", message: `key "${id}" must be exactly ${ENCRYPTION_KEY_BYTES} bytes in base64` });
        return z.NEVER;
      }
      if (keys.some((existing) => existing.id === id)) {
        ctx.addIssue({ code: "custom", message: `key id "${id}" appears twice` });
        return z.NEVER;
      }
      keys.push({ id, key });
    }
    return keys;
  });

function port(fallback: number) {
  return z.coerce.number().int().min(1).max(65535).default(fallback);
}

export const envSchema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  DATABASE_URL: urlWithProtocols(["postgresql:", "postgres:"], "postgresql://").default(DEFAULT_DATABASE_URL),
  REDIS_URL: urlWithProtocols(["redis:", "rediss:"], "redis://").default(DEFAULT_REDIS_URL),
  // "true" when REDIS_URL is one node of a Redis Cluster (lib/redis-client.ts); QUEUE_PREFIX then needs a hash tag.
  REDIS_CLUSTER: z
    .enum(["true", "false"], { error: 'must be "true" or "false"' })
    .default("false")
    .transform((value) => value === "true"),
  PUBLIC_URL: httpUrl,
  NEXTAUTH_SECRET: z
    .string({ error: "is missing: set it to a random string (openssl rand -base64 32)" })
    .min(32, "must be at least 32 characters (openssl rand -base64 32)"),
  ENCRYPTION_KEYS: z.string({ error: "is missing: set it to id:base64key (openssl rand -base64 32)" }).pipe(encryptionKeys),
  SMTP_URL: urlWithProtocols(["smtp:", "smtps:"], "smtp:// or smtps://").default("smtp://127.0.0.1:1025"),
  ALARM_FROM: z
    .string()
    .trim()
    .regex(/^(?:[^<>@]*<[^\s<>@]+@[^\s<>@]+>|[^\s<>@]+@[^\s<>@]+)$/, 'must be an address like "Tributary <alarms@example.com>"')
    .default("Tributary <tributary@localhost>"),
  PULL_INTERVAL_SECONDS: z.coerce.number().int().min(10).max(3600).default(60),
  // The shortest drop-off alarm threshold a user may set. 15 minutes in production; the demo and the
  // end-to-end tests lower it so an alarm can be watched firing within a minute or two.
  ALARM_MIN_THRESHOLD_MINUTES: z.coerce.number().int().min(1).max(15).default(15),
  SLACK_API_URL: httpUrl.default("https://slack.com/api"),
  SLACK_AUDIT_API_URL: httpUrl.default("https://api.slack.com/audit/v1"),
  SLACK_OAUTH_AUTHORIZE_URL: httpUrl.default("https://slack.com/oauth/v2/authorize"),
  // How long a pull waits for one Slack answer before retrying (a 9,999-row audit page can be slow).
  SLACK_TIMEOUT_SECONDS: z.coerce.number().int().min(1).max(600).default(60),
  // The window of Tributary's own per-token rate limiter (Slack's tiers are per minute). Only tests
  // and benchmarks against the emulator's sped-up clock change it.
  SLACK_RATE_LIMIT_WINDOW_SECONDS: z.coerce.number().int().min(1).max(3600).default(60),
  PORT: port(3000),
  // Events older than this many days are removed, a whole month at a time (features/events/partitions.ts).
  // At least 31, so a source's longest backfill (30 days) is never dropped as soon as it is pulled.
  EVENT_RETENTION_DAYS: z.coerce.number().int().min(31).max(3650).default(90),
  // Pulls one worker process runs at once. A pull mostly waits for Slack (tens to hundreds of ms a
  // call), so one process keeps many in flight; each holds one Postgres connection while it runs.
  WORKER_PULL_CONCURRENCY: z.coerce.number().int().min(1).max(200).default(50),
  // Connections per process (web or worker). The worker opens at least its pull concurrency plus a
  // few for everything else, whatever this says.
  DATABASE_POOL_SIZE: z.coerce.number().int().min(2).max(500).default(10),
  WORKER_HEALTH_PORT: port(3001),
  // 127.0.0.1 keeps the endpoint private on a shared host; 0.0.0.0 lets a container's probe reach it.
  WORKER_HEALTH_HOST: z.string().trim().min(1).default("127.0.0.1"),
  QUEUE_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9:{}_-]{1,64}$/, "must be 1-64 characters of letters, digits, : { } _ -")
    .default("tributary"),
  LOG_LEVEL: z.enum(LOG_LEVELS).default("info"),
  // Lets Prometheus scrape /api/metrics with "Authorization: Bearer <token>" instead of an admin
  // session. Unset, only a signed-in admin can read the metrics.
  METRICS_TOKEN: z.string().min(32, "must be at least 32 characters (openssl rand -hex 32)").optional(),
  // Set by `npm run demo` to the web inbox of the mail catcher it starts; the console links to it.
  DEMO_MAIL_INBOX_URL: httpUrl.optional(),
});

export type Env = z.infer<typeof envSchema>;

/** A configuration problem, already phrased as the single line an operator should see. */
export class ConfigError extends Error {
  override name = "ConfigError";
}

/**
 * Parses variables with any part of the schema; the error names every bad variable on one line,
 * never its value. Empty strings count as unset, so defaults still apply.
 */
export function parseWith<Schema extends z.ZodType>(schema: Schema, source: Record<string, string | undefined>): z.infer<Schema> {
  const present = Object.fromEntries(Object.entries(source).filter(([, value]) => value !== undefined && value !== ""));
  const result = schema.safeParse(present);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => `${String(issue.path[0] ?? "environment")} ${issue.message}`);
  throw new ConfigError(`Invalid configuration: ${[...new Set(problems)].join("; ")}`);
}

export function parseEnv(source: Record<string, string | undefined>): Env {
  // Without an explicit PUBLIC_URL the console is where it listens, including a non-default PORT.
  const env = parseWith(envSchema, { ...source, PUBLIC_URL: source.PUBLIC_URL || `http://localhost:${source.PORT || 3000}` });
  assertClusterPrefix(env);
  return env;
}

/** On a Redis Cluster, BullMQ's scripts touch many keys at once, which works only when they share a slot. */
export function assertClusterPrefix(env: { REDIS_CLUSTER: boolean; QUEUE_PREFIX: string }) {
  if (env.REDIS_CLUSTER && !/\{[^{}]+\}/.test(env.QUEUE_PREFIX)) {
    throw new ConfigError(`Invalid configuration: QUEUE_PREFIX must contain a hash tag such as {tributary} when REDIS_CLUSTER is true, so that every key lands in one slot`);
  }
}

let cached: Env | undefined;

/** The validated configuration of this process, parsed on first use (never at import, so builds need no secrets). */
export function getEnv(): Env {
  cached ??= parseEnv(process.env);
  return cached;
}

/**
 * Loads .env files the way Next.js does (`.env`, `.env.local`, `.env.<mode>`…), so the worker and
 * scripts see the same configuration as the web server. Variables already set win.
 */
export function loadEnvFiles(directory = process.cwd()) {
  const quiet = { info: () => {}, error: (...args: unknown[]) => console.error(...args) };
  nextEnv.loadEnvConfig(directory, process.env.NODE_ENV !== "production", quiet);
}

// libpq-style URLs may also carry secrets as query parameters.
const SECRET_QUERY_PARAMETERS = ["password", "sslpassword", "pass", "secret", "token"];

/** Replaces the password in a connection URL, for messages and logs. */
export function redactUrl(value: string): string {
  try {
    const url = new URL(value);
    if (url.password) url.password = "****";
    for (const name of SECRET_QUERY_PARAMETERS) if (url.searchParams.has(name)) url.searchParams.set(name, "****");
    return url.toString();
  } catch {
    return "(unparseable URL)";
  }
}
