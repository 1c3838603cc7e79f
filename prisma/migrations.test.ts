import { spawnSync } from "node:child_process";
import pg from "pg";
import { describe, expect, it } from "vitest";
import { createDatabaseIfMissing, dropDatabase, withDatabaseName } from "@/lib/postgres-admin";
import { uniqueSuffix } from "@/scripts/lib/test-helpers";
import { TEST_DATABASE_URL } from "@/scripts/lib/test-env";

function migrateDeploy(databaseUrl: string) {
  return spawnSync("node_modules/.bin/prisma", ["migrate", "deploy"], { env: { ...process.env, DATABASE_URL: databaseUrl }, encoding: "utf8" });
}

describe("prisma migrate deploy", () => {
  it("builds the schema in a fresh database and is a no-op the second time", async () => {
    const databaseUrl = withDatabaseName(TEST_DATABASE_URL, `tributary_migrate_${uniqueSuffix()}`);
    await createDatabaseIfMissing(databaseUrl);
    try {
      const first = migrateDeploy(databaseUrl);
      expect(first.status, first.stderr).toBe(0);
      expect(first.stdout).toContain("All migrations have been successfully applied.");
      const second = migrateDeploy(databaseUrl);
      expect(second.status, second.stderr).toBe(0);
      expect(second.stdout).toContain("No pending migrations to apply.");

      const client = new pg.Client({ connectionString: databaseUrl });
      await client.connect();
      const tables = await client.query<{ table_name: string }>(
        "select table_name from information_schema.tables where table_schema = 'public' order by table_name",
      );
      await client.end();
      expect(tables.rows.map((row) => row.table_name)).toEqual(expect.arrayContaining(["_prisma_migrations", "users", "worker_heartbeats"]));
    } finally {
      await dropDatabase(databaseUrl);
    }
  });
});
