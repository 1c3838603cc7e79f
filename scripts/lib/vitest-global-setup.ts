import { spawnSync } from "node:child_process";
import { createDatabaseIfMissing } from "@/lib/postgres-admin";
import { TEST_DATABASE_URL, testEnvironment } from "@/scripts/lib/test-env";

/** Before any test file: the test database exists and has every migration applied. */
export default async function setup() {
  await createDatabaseIfMissing(TEST_DATABASE_URL);
  const result = spawnSync("node_modules/.bin/prisma", ["migrate", "deploy"], {
    env: { ...process.env, ...testEnvironment() },
    encoding: "utf8",
  });
  if (result.status !== 0) throw new Error(`prisma migrate deploy failed on the test database:\n${result.stdout}${result.stderr}`);
}
