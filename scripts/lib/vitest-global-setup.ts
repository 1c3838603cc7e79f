import { spawnSync } from "node:child_process";
import { createDatabaseFromTemplate, createDatabaseIfMissing, dropDatabase, withDatabaseName } from "@/lib/postgres-admin";
import { slotDatabaseUrl, TEST_DATABASE_URL, TEST_TEMPLATE_DATABASE, testEnvironment, VITEST_WORKERS } from "@/scripts/lib/test-env";

/**
 * Before any test file: an empty database with every migration applied serves as the template, and
 * each vitest slot gets a fresh copy of it (test files run side by side, one per slot); tests that
 * need a database to themselves copy the template too (scripts/lib/test-databases.ts).
 */
export default async function setup() {
  const templateUrl = withDatabaseName(TEST_DATABASE_URL, TEST_TEMPLATE_DATABASE);
  await dropDatabase(templateUrl);
  await createDatabaseIfMissing(templateUrl);
  const template = spawnSync("node_modules/.bin/prisma", ["migrate", "deploy"], { env: { ...process.env, ...testEnvironment(), DATABASE_URL: templateUrl }, encoding: "utf8" });
  if (template.status !== 0) throw new Error(`prisma migrate deploy failed on the template database:\n${template.stdout}${template.stderr}`);
  // One at a time: Postgres refuses to copy a template that another copy is reading.
  for (let slot = 1; slot <= VITEST_WORKERS; slot++) {
    await dropDatabase(slotDatabaseUrl(slot));
    await createDatabaseFromTemplate(slotDatabaseUrl(slot), TEST_TEMPLATE_DATABASE);
  }
}
