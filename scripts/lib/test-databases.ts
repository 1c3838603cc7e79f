import { afterAll, beforeAll, vi } from "vitest";
import { disconnectDatabase } from "@/lib/db";
import { createDatabaseFromTemplate, dropDatabase, withDatabaseName } from "@/lib/postgres-admin";
import { uniqueSuffix } from "@/scripts/lib/test-helpers";
import { TEST_DATABASE_URL, TEST_TEMPLATE_DATABASE } from "@/scripts/lib/test-env";

/**
 * Gives the calling test file a fresh, migrated, empty database of its own, for assertions that
 * depend on every row in a table (the last admin, counts per key). It is copied from the template the
 * global setup prepared, becomes this file's DATABASE_URL before any test runs (`db` connects
 * lazily), and is dropped afterwards. Register it before hooks that use the database.
 */
export function isolatedDatabaseForThisFile(label: string): { readonly url: string } {
  const database = { url: withDatabaseName(TEST_DATABASE_URL, `tributary_test_${label}_${uniqueSuffix()}`) };
  beforeAll(async () => {
    await createDatabaseFromTemplate(database.url, TEST_TEMPLATE_DATABASE);
    vi.stubEnv("DATABASE_URL", database.url);
  });
  afterAll(async () => {
    await disconnectDatabase();
    await dropDatabase(database.url);
    vi.unstubAllEnvs();
  });
  return database;
}
