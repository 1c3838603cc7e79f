import { describe, expect, it } from "vitest";
import { ConfigError, parseEnv, redactUrl } from "@/lib/env";

const KEY = Buffer.alloc(32, 1).toString("base64");
const REQUIRED = { NEXTAUTH_SECRET: "s".repeat(32), ENCRYPTION_KEYS: `k1:${KEY}` };

function errorOf(source: Record<string, string | undefined>): string {
  try {
    parseEnv(source);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error("expected a configuration error");
}

describe("parseEnv", () => {
  it("applies the documented defaults when only the secrets are set", () => {
    const env = parseEnv(REQUIRED);
    expect(env.DATABASE_URL).toBe("postgresql://postgres@127.0.0.1:5432/tributary");
    expect(env.REDIS_URL).toBe("redis://127.0.0.1:6379");
    expect(env.PUBLIC_URL).toBe("http://localhost:3000");
    expect(env.PULL_INTERVAL_SECONDS).toBe(60);
    expect(env.SLACK_API_URL).toBe("https://slack.com/api");
    expect(env.SLACK_AUDIT_API_URL).toBe("https://api.slack.com/audit/v1");
    expect(env.SLACK_OAUTH_AUTHORIZE_URL).toBe("https://slack.com/oauth/v2/authorize");
    expect(env.ENCRYPTION_KEYS).toEqual([{ id: "k1", key: Buffer.alloc(32, 1) }]);
  });

  it("follows a non-default PORT in the default PUBLIC_URL and strips a trailing slash from an explicit one", () => {
    expect(parseEnv({ ...REQUIRED, PORT: "4100" }).PUBLIC_URL).toBe("http://localhost:4100");
    expect(parseEnv({ ...REQUIRED, PUBLIC_URL: "https://logs.example.com/" }).PUBLIC_URL).toBe("https://logs.example.com");
  });

  it("treats empty values as unset", () => {
    expect(parseEnv({ ...REQUIRED, DATABASE_URL: "", PULL_INTERVAL_SECONDS: "" }).PULL_INTERVAL_SECONDS).toBe(60);
  });

  it("names a missing secret on one line", () => {
    const message = errorOf({ ENCRYPTION_KEYS: REQUIRED.ENCRYPTION_KEYS });
    expect(message).toMatch(/^Invalid configuration: NEXTAUTH_SECRET is missing/);
    expect(message).not.toContain("\n");
  });

  it("names each bad variable without echoing its value", () => {
    const message = errorOf({ ...REQUIRED, DATABASE_URL: "mysql://root:hunter2@db/x", REDIS_URL: "127.0.0.1:6379", PULL_INTERVAL_SECONDS: "5" });
    expect(message).toContain("DATABASE_URL must be a postgresql:// URL");
    expect(message).toContain("REDIS_URL must be a redis:// URL");
    expect(message).toContain("PULL_INTERVAL_SECONDS");
    expect(message).not.toContain("hunter2");
    expect(message).not.toContain("\n");
  });

  it.each([
    ["no id", KEY],
    ["short key", `k1:${Buffer.alloc(16).toString("base64")}`],
    ["not base64", "k1:not-a-key!!"],
    ["duplicate id", `k1:${KEY},k1:${KEY}`],
  ])("rejects ENCRYPTION_KEYS with %s", (_case, value) => {
    expect(errorOf({ ...REQUIRED, ENCRYPTION_KEYS: value })).toMatch(/^Invalid configuration: ENCRYPTION_KEYS /);
  });

  it("keeps key order so the first key is the current one", () => {
    const second = Buffer.alloc(32, 2).toString("base64");
    expect(parseEnv({ ...REQUIRED, ENCRYPTION_KEYS: `new:${second}, old:${KEY}` }).ENCRYPTION_KEYS.map((key) => key.id)).toEqual(["new", "old"]);
  });

  it("rejects a short NEXTAUTH_SECRET and an unknown LOG_LEVEL", () => {
    expect(errorOf({ ...REQUIRED, NEXTAUTH_SECRET: "short" })).toContain("NEXTAUTH_SECRET must be at least 32 characters");
    expect(errorOf({ ...REQUIRED, LOG_LEVEL: "verbose" })).toContain("LOG_LEVEL");
  });
});

describe("redactUrl", () => {
  it("hides the password of a connection URL", () => {
    expect(redactUrl("postgresql://app:s3cret@db:5432/tributary")).toBe("postgresql://app:****@db:5432/tributary");
    expect(redactUrl("postgresql://db/tributary?user=app&password=s3cret")).toBe("postgresql://db/tributary?user=app&password=****");
    expect(redactUrl("not a url")).toBe("(unparseable URL)");
  });
});
