import { createDatabaseFromTemplate, dropDatabase, withDatabaseName } from "@/lib/postgres-admin";
import { uniqueSuffix } from "@/scripts/lib/test-helpers";
import { TEST_DATABASE_URL, TEST_TEMPLATE_DATABASE } from "@/scripts/lib/test-env";

/**
 * A fresh, migrated, empty database for tests whose assertions depend on every row in a table (the
 * last admin, counts per key), copied from the template the global setup prepared.
 */
export async function createIsolatedDatabase(label: string): Promise<{ url: string; drop: () => Promise<void> }> {
  const url = withDatabaseName(TEST_DATABASE_URL, `tributary_test_${label}_${uniqueSuffix()}`);
  await createDatabaseFromTemplate(url, TEST_TEMPLATE_DATABASE);
  return { url, drop: () => dropDatabase(url) };
}
