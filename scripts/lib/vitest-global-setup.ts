import { spawnSync } from "node:child_process";
import { createDatabaseIfMissing, dropDatabase, withDatabaseName } from "@/lib/postgres-admin";
import { TEST_DATABASE_URL, TEST_TEMPLATE_DATABASE, testEnvironment } from "@/scripts/lib/test-env";

/**
 * Before any test file: the test database exists and has every migration applied, and a copy of it
 * serves as the template for tests that need a database of their own (scripts/lib/test-databases.ts).
 */
export default async function setup() {
  await createDatabaseIfMissing(TEST_DATABASE_URL);
  const result = spawnSync("node_modules/.bin/prisma", ["migrate", "deploy"], {
    env: { ...process.env, ...testEnvironment() },
    encoding: "utf8",
  });
  if (result.status !== 0) throw new Error(`prisma migrate deploy failed on the test database:\n${result.stdout}${result.stderr}`);
  // An empty, migrated copy: the shared test database fills up with other tests' rows.
  const templateUrl = withDatabaseName(TEST_DATABASE_URL, TEST_TEMPLATE_DATABASE);
  await dropDatabase(templateUrl);
  await createDatabaseIfMissing(templateUrl);
  const template = spawnSync("node_modules/.bin/prisma", ["migrate", "deploy"], { env: { ...process.env, ...testEnvironment(), DATABASE_URL: templateUrl }, encoding: "utf8" });
  if (template.status !== 0) throw new Error(`prisma migrate deploy failed on the template database:\n${template.stdout}${template.stderr}`);
}
