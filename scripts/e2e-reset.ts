import { spawnSync } from "node:child_process";
import { createDatabaseIfMissing, dropDatabase } from "@/lib/postgres-admin";
import { e2eEnvironment } from "@/scripts/lib/test-env";
import { clearQueuePrefix } from "@/scripts/lib/test-helpers";

// Run by Playwright before it starts the end-to-end web server (playwright.config.ts): the suite
// begins on an empty, migrated database and empty queues of its own, so nothing an earlier run or
// the integration tests left behind (active sources, worker reports, pull schedules, incidents) is
// pulled or judged by this run's worker.

async function main() {
  const environment = e2eEnvironment();
  await dropDatabase(environment.DATABASE_URL);
  await createDatabaseIfMissing(environment.DATABASE_URL);
  const migrated = spawnSync("node_modules/.bin/prisma", ["migrate", "deploy"], { env: { ...process.env, ...environment }, encoding: "utf8" });
  if (migrated.status !== 0) throw new Error(`prisma migrate deploy failed on the end-to-end database:\n${migrated.stdout}${migrated.stderr}`);
  await clearQueuePrefix(environment.REDIS_URL, environment.QUEUE_PREFIX);
}

main().catch((error: unknown) => {
  console.error(`e2e reset: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
