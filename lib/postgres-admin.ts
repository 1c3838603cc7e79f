import pg from "pg";
import { databaseName } from "@/lib/preflight";

// Database-level housekeeping for scripts and tests (create/drop whole databases), done through the
// server's maintenance database because a database cannot create or drop itself.

function maintenanceUrl(databaseUrl: string): string {
  const url = new URL(databaseUrl);
  url.pathname = "/postgres";
  return url.toString();
}

function quoteIdentifier(identifier: string): string {
  return `"${identifier.replaceAll('"', '""')}"`;
}

/** Runs `run` on a connection to the server's maintenance database (`postgres`), closed afterwards. */
export async function withMaintenanceClient<T>(databaseUrl: string, run: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: maintenanceUrl(databaseUrl), connectionTimeoutMillis: 3000 });
  client.on("error", () => {});
  await client.connect();
  try {
    return await run(client);
  } finally {
    await client.end().catch(() => {});
  }
}

/** Creates the database named in the URL unless it exists; says whether it did. */
export async function createDatabaseIfMissing(databaseUrl: string): Promise<boolean> {
  const name = databaseName(databaseUrl);
  return withMaintenanceClient(databaseUrl, async (client) => {
    const existing = await client.query("select 1 from pg_database where datname = $1", [name]);
    if (existing.rowCount) return false;
    try {
      // Identifiers cannot be bound as parameters; the name is quoted instead.
      await client.query(`create database ${quoteIdentifier(name)}`);
    } catch (error) {
      // Another process created it between the check and here.
      if ((error as { code?: string }).code === "42P04") return false;
      throw error;
    }
    return true;
  });
}

export async function dropDatabase(databaseUrl: string): Promise<void> {
  const name = databaseName(databaseUrl);
  await withMaintenanceClient(databaseUrl, (client) => client.query(`drop database if exists ${quoteIdentifier(name)} with (force)`));
}

/** The same server and credentials with another database name. */
export function withDatabaseName(databaseUrl: string, name: string): string {
  const url = new URL(databaseUrl);
  url.pathname = `/${encodeURIComponent(name)}`;
  return url.toString();
}

/** Creates the database named in the URL as a copy of another (which must have no open connections). */
export async function createDatabaseFromTemplate(databaseUrl: string, templateName: string): Promise<void> {
  const name = databaseName(databaseUrl);
  await withMaintenanceClient(databaseUrl, (client) => client.query(`create database ${quoteIdentifier(name)} template ${quoteIdentifier(templateName)}`));
}
