import { describe, expect, it } from "vitest";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { checkMigrations, checkPostgres, checkRedis } from "@/lib/preflight";
import { createDatabaseIfMissing, dropDatabase, withDatabaseName } from "@/lib/postgres-admin";
import { freePort, uniqueSuffix } from "@/scripts/lib/test-helpers";
import { TEST_DATABASE_URL } from "@/scripts/lib/test-env";

describe("start-up checks against real services", () => {
  it("accepts the running Postgres and Redis", async () => {
    await expect(checkPostgres(TEST_DATABASE_URL)).resolves.toEqual({ ok: true });
    await expect(checkRedis(process.env.REDIS_URL!)).resolves.toEqual({ ok: true });
  });

  it("says which Postgres URL is unreachable, without its password", async () => {
    const port = await freePort();
    const result = await checkPostgres(`postgresql://postgres:hunter2@127.0.0.1:${port}/tributary`);
    expect(result).toMatchObject({ ok: false, reason: "unreachable" });
    if (result.ok) return;
    expect(result.message).toBe(
      `Postgres is not reachable at postgresql://postgres:****@127.0.0.1:${port}/tributary (ECONNREFUSED); start it (npm run services) or fix DATABASE_URL`,
    );
  });

  it("tells a missing database from a missing server", async () => {
    const result = await checkPostgres(withDatabaseName(TEST_DATABASE_URL, "tributary_does_not_exist"));
    expect(result).toMatchObject({ ok: false, reason: "missing_database" });
    if (!result.ok) expect(result.message).toContain('no database "tributary_does_not_exist"');
  });

  it("says which Redis URL is unreachable and why", async () => {
    const port = await freePort();
    const result = await checkRedis(`redis://127.0.0.1:${port}`);
    expect(result).toMatchObject({ ok: false, reason: "unreachable" });
    if (!result.ok) expect(result.message).toContain(`redis://127.0.0.1:${port} (ECONNREFUSED)`);
  });
});

describe("checkMigrations", () => {
  it("passes when every shipped migration is applied", async () => {
    await expect(checkMigrations(TEST_DATABASE_URL)).resolves.toEqual({ ok: true });
  });

  it("names the pending migration and the command that applies it", async () => {
    const directory = mkdtempSync(join(tmpdir(), "tributary-migrations-"));
    const name = "29991231000000_from_the_future";
    mkdirSync(join(directory, name));
    writeFileSync(join(directory, name, "migration.sql"), "select 1;");
    const result = await checkMigrations(TEST_DATABASE_URL, directory);
    expect(result).toEqual({
      ok: false,
      reason: "pending_migrations",
      message: `The database at ${TEST_DATABASE_URL} is missing 1 migration(s), up to ${name}; run: npm run db:deploy`,
    });
  });

  it("says when a database has never been migrated", async () => {
    const databaseUrl = withDatabaseName(TEST_DATABASE_URL, `tributary_empty_${uniqueSuffix()}`);
    await createDatabaseIfMissing(databaseUrl);
    try {
      const result = await checkMigrations(databaseUrl);
      expect(result).toMatchObject({ ok: false, reason: "pending_migrations" });
      if (!result.ok) expect(result.message).toBe(`The database at ${databaseUrl} has no Tributary schema yet; run: npm run db:deploy`);
    } finally {
      await dropDatabase(databaseUrl);
    }
  });
});
