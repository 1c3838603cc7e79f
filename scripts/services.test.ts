import pg from "pg";
import { describe, expect, it } from "vitest";
import { dropDatabase, withDatabaseName } from "@/lib/postgres-admin";
import { freePortPair, runCommand, uniqueSuffix } from "@/scripts/lib/test-helpers";
import { TEST_DATABASE_URL } from "@/scripts/lib/test-env";

async function databaseExists(name: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: withDatabaseName(TEST_DATABASE_URL, "postgres") });
  await client.connect();
  try {
    return Boolean((await client.query("select 1 from pg_database where datname = $1", [name])).rowCount);
  } finally {
    await client.end();
  }
}

describe("npm run services", () => {
  it("creates a missing database and reports both services", async () => {
    const name = `tributary_services_${uniqueSuffix()}`;
    const databaseUrl = withDatabaseName(TEST_DATABASE_URL, name);
    try {
      const { code, stdout } = await runCommand(["tsx", "scripts/services.ts"], { DATABASE_URL: databaseUrl });
      expect(code).toBe(0);
      expect(stdout).toContain(`✓ Created database "${name}"`);
      expect(stdout).toContain(`✓ Postgres answers at ${databaseUrl}`);
      expect(stdout).toContain("✓ Redis answers at");
      expect(await databaseExists(name)).toBe(true);

      const again = await runCommand(["tsx", "scripts/services.ts"], { DATABASE_URL: databaseUrl });
      expect(again.code).toBe(0);
      expect(again.stdout).not.toContain("Created database");
    } finally {
      await dropDatabase(databaseUrl);
    }
  });

  it("prints exactly what to run for services it does not manage", async () => {
    const [postgresPort, redisPort] = await freePortPair();
    const { code, stdout } = await runCommand(["tsx", "scripts/services.ts"], {
      DATABASE_URL: `postgresql://postgres@127.0.0.1:${postgresPort}/tributary`,
      REDIS_URL: `redis://127.0.0.1:${redisPort}`,
    });
    expect(code).toBe(1);
    expect(stdout).toContain(`✗ Postgres is not reachable at postgresql://postgres@127.0.0.1:${postgresPort}/tributary (ECONNREFUSED)`);
    expect(stdout).toContain(`No local Postgres cluster listens on port ${postgresPort}`);
    expect(stdout).toContain(`Start it with: redis-server --daemonize yes --bind 127.0.0.1 --port ${redisPort} --save "" --appendonly no`);
  });

  it("rejects a malformed URL in one line", async () => {
    const { code, stderr } = await runCommand(["tsx", "scripts/services.ts"], { DATABASE_URL: "mysql://root@127.0.0.1/x" });
    expect(code).toBe(1);
    expect(stderr.trim()).toBe("Invalid configuration: DATABASE_URL must be a postgresql:// URL");
  });
});
