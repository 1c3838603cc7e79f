import { copyFileSync, mkdtempSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseEnv } from "@/lib/env";
import { ensureLocalSecrets } from "@/scripts/lib/secrets";

function scratchDirectory() {
  return mkdtempSync(join(tmpdir(), "tributary-secrets-"));
}

function readEnvFile(path: string): Record<string, string> {
  return Object.fromEntries(
    readFileSync(path, "utf8")
      .split("\n")
      .filter((line) => /^[A-Z_]+=/.test(line))
      .map((line) => [line.slice(0, line.indexOf("=")), line.slice(line.indexOf("=") + 1)]),
  );
}

describe("ensureLocalSecrets", () => {
  it("fills in the empty secrets of a .env.local copied from .env.example, with values the config accepts", () => {
    const directory = scratchDirectory();
    copyFileSync(".env.example", join(directory, ".env.local"));
    expect(ensureLocalSecrets(directory, {})).toEqual(["NEXTAUTH_SECRET", "ENCRYPTION_KEYS"]);
    const content = readFileSync(join(directory, ".env.local"), "utf8");
    expect(content.match(/^NEXTAUTH_SECRET=/gm)).toHaveLength(1);
    expect(content.match(/^ENCRYPTION_KEYS=/gm)).toHaveLength(1);
    const values = readEnvFile(join(directory, ".env.local"));
    const env = parseEnv({ NEXTAUTH_SECRET: values.NEXTAUTH_SECRET, ENCRYPTION_KEYS: values.ENCRYPTION_KEYS });
    expect(env.NEXTAUTH_SECRET.length).toBeGreaterThanOrEqual(32);
    expect(env.ENCRYPTION_KEYS[0]!.key).toHaveLength(32);
    expect(statSync(join(directory, ".env.local")).mode & 0o077).toBe(0);
  });

  it("leaves configured secrets alone, whether in the environment or in a file", () => {
    const directory = scratchDirectory();
    writeFileSync(join(directory, ".env"), "NEXTAUTH_SECRET=already-set-somewhere-else-0123456789abcdef\n");
    expect(ensureLocalSecrets(directory, { ENCRYPTION_KEYS: "k1:x" })).toEqual([]);
  });
});
