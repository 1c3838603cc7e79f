import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDatabaseIfMissing, dropDatabase, withDatabaseName } from "@/lib/postgres-admin";
import { createReadinessProbe } from "@/lib/readiness";
import { freePort, uniqueSuffix } from "@/scripts/lib/test-helpers";
import { TEST_DATABASE_URL, testEnvironment } from "@/scripts/lib/test-env";

// Readiness against the real services: the migrated test database is ready; a database without
// Tributary's schema, a Postgres or a Redis nobody listens on are each named as the failing check.

const { REDIS_URL } = testEnvironment();
const bareDatabase = withDatabaseName(TEST_DATABASE_URL, `tributary_test_bare_${uniqueSuffix()}`);

beforeAll(async () => {
  await createDatabaseIfMissing(bareDatabase);
});

afterAll(async () => {
  await dropDatabase(bareDatabase);
});

describe("readiness", () => {
  it("is ready when Postgres and Redis answer and every shipped migration is applied", async () => {
    const readiness = await createReadinessProbe({ DATABASE_URL: TEST_DATABASE_URL, REDIS_URL })();
    expect(readiness).toEqual({ isReady: true, checks: { postgres: "ok", redis: "ok", migrations: "ok" }, problems: [] });
  });

  it("names each failing check, and keeps the reasons (which name hosts) for the log", async () => {
    const unmigrated = await createReadinessProbe({ DATABASE_URL: bareDatabase, REDIS_URL })();
    expect(unmigrated).toMatchObject({ isReady: false, checks: { postgres: "ok", redis: "ok", migrations: "pending_migrations" } });
    expect(unmigrated.problems).toEqual([expect.stringContaining("has no Tributary schema yet; run: npm run db:deploy")]);

    const closedPort = await freePort();
    const nothingListens = await createReadinessProbe({ DATABASE_URL: `postgresql://postgres@127.0.0.1:${closedPort}/tributary`, REDIS_URL: `redis://127.0.0.1:${closedPort}` })();
    expect(nothingListens).toMatchObject({ isReady: false, checks: { postgres: "unreachable", redis: "unreachable", migrations: "unreachable" } });
    expect(nothingListens.problems).toHaveLength(3);
  });

  it("answers a burst of probes with one round of checks, and checks again after two seconds", async () => {
    let clock = 1_000_000;
    const database = withDatabaseName(TEST_DATABASE_URL, `tributary_test_late_${uniqueSuffix()}`);
    const probe = createReadinessProbe({ DATABASE_URL: database, REDIS_URL }, () => clock);
    try {
      const first = probe();
      expect(probe()).toBe(first);
      expect((await first).checks.postgres).toBe("missing_database");
      // The database appears: not seen until the cached answer has expired.
      await createDatabaseIfMissing(database);
      clock += 1_999;
      expect((await probe()).checks.postgres).toBe("missing_database");
      clock += 1;
      expect((await probe()).checks).toEqual({ postgres: "ok", redis: "ok", migrations: "pending_migrations" });
    } finally {
      await dropDatabase(database);
    }
  });
});
