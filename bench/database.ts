import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import pg from "pg";
import { createDatabaseFromTemplate, createDatabaseIfMissing, dropDatabase, withDatabaseName, withMaintenanceClient } from "@/lib/postgres-admin";

// The bench's own database, never the developer's or the tests': seeding ten million events into
// either would ruin it. What it was seeded with is recorded inside it (bench_seed), so `--keep` can
// tell whether the rows there are the ones this run asked for.

const SERVER_URL = process.env.BENCH_DATABASE_SERVER_URL || "postgresql://postgres@127.0.0.1:5432/postgres";

export function benchDatabaseUrl(name: string): string {
  return withDatabaseName(SERVER_URL, name);
}

/**
 * The migrations as shipped: their names and SQL. A seed made under other migrations (one added, or
 * the newest still being edited) is not reused, since its tables or indexes may differ.
 */
export function migrationsFingerprint(migrationsDir = join(process.cwd(), "prisma/migrations")): string {
  const hash = createHash("sha256");
  const names = readdirSync(migrationsDir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(join(migrationsDir, entry.name, "migration.sql")))
    .map((entry) => entry.name)
    .sort();
  for (const name of names) hash.update(name).update("\0").update(readFileSync(join(migrationsDir, name, "migration.sql"))).update("\0");
  return hash.digest("hex").slice(0, 16);
}

export function migrateDatabase(databaseUrl: string): void {
  const result = spawnSync("node_modules/.bin/prisma", ["migrate", "deploy"], { env: { ...process.env, DATABASE_URL: databaseUrl }, encoding: "utf8" });
  if (result.status !== 0) throw new Error(`prisma migrate deploy failed on the bench database:\n${result.stdout}${result.stderr}`);
}

/**
 * A migrated, empty database the scenarios copy: `prisma migrate deploy` takes about 15 s here and a
 * copy under a second. It is labelled with the migrations' fingerprint and made again when they change.
 */
const TEMPLATE_DATABASE = "tributary_bench_template";
let templateReady: Promise<void> | null = null;

async function ensureTemplate(): Promise<void> {
  const templateUrl = benchDatabaseUrl(TEMPLATE_DATABASE);
  const label = `tributary bench template, migrations ${migrationsFingerprint()}`;
  await withMaintenanceClient(templateUrl, async (client) => {
    const { rows } = await client.query<{ label: string | null }>("SELECT shobj_description(oid, 'pg_database') AS label FROM pg_database WHERE datname = $1", [TEMPLATE_DATABASE]);
    if (rows[0]?.label === label) return;
    await dropDatabase(templateUrl);
    await createDatabaseIfMissing(templateUrl);
    migrateDatabase(templateUrl);
    // The label goes on last: a template whose migration failed half way is never reused.
    await client.query(`COMMENT ON DATABASE ${TEMPLATE_DATABASE} IS '${label}'`);
  });
}

/** Drops and recreates the database with every migration applied: an empty schema to seed. */
export async function recreateDatabase(databaseUrl: string): Promise<void> {
  templateReady ??= ensureTemplate().catch((error: unknown) => {
    templateReady = null;
    throw error;
  });
  await templateReady;
  await dropDatabase(databaseUrl);
  await createDatabaseFromTemplate(databaseUrl, TEMPLATE_DATABASE);
}

export type SeedRecord = { parameters: Record<string, unknown>; seededAt: Date; seconds: number };

const SEED_TABLE = `CREATE TABLE IF NOT EXISTS bench_seed (
  id int PRIMARY KEY DEFAULT 1 CHECK (id = 1),
  parameters jsonb NOT NULL,
  seeded_at timestamptz NOT NULL,
  seconds double precision NOT NULL
)`;

export async function readSeedRecord(databaseUrl: string): Promise<SeedRecord | null> {
  const client = new pg.Client({ connectionString: databaseUrl, connectionTimeoutMillis: 3000 });
  client.on("error", () => {});
  try {
    await client.connect();
  } catch (error) {
    // 3D000: no such database yet.
    if ((error as { code?: string }).code === "3D000") return null;
    throw error;
  }
  try {
    const exists = await client.query("SELECT to_regclass('bench_seed') IS NOT NULL AS present");
    if (!exists.rows[0]?.present) return null;
    const { rows } = await client.query<{ parameters: Record<string, unknown>; seeded_at: Date; seconds: number }>("SELECT parameters, seeded_at, seconds FROM bench_seed");
    const row = rows[0];
    return row ? { parameters: row.parameters, seededAt: row.seeded_at, seconds: row.seconds } : null;
  } finally {
    await client.end().catch(() => {});
  }
}

export async function writeSeedRecord(client: pg.ClientBase, record: SeedRecord): Promise<void> {
  await client.query(SEED_TABLE);
  await client.query(
    `INSERT INTO bench_seed (id, parameters, seeded_at, seconds) VALUES (1, $1, $2, $3)
     ON CONFLICT (id) DO UPDATE SET parameters = EXCLUDED.parameters, seeded_at = EXCLUDED.seeded_at, seconds = EXCLUDED.seconds`,
    [JSON.stringify(record.parameters), record.seededAt, record.seconds],
  );
}

/** Same keys, same values; key order does not matter (jsonb reorders them). */
export function isSameParameters(a: Record<string, unknown>, b: Record<string, unknown>): boolean {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  return [...keys].every((key) => JSON.stringify(a[key]) === JSON.stringify(b[key]));
}

export async function readPostgresFacts(databaseUrl: string): Promise<{ version: string; settings: Record<string, string> }> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const version = (await client.query<{ server_version: string }>("SHOW server_version")).rows[0]?.server_version ?? "unknown";
    const { rows } = await client.query<{ name: string; setting: string; unit: string | null }>(
      "SELECT name, setting, unit FROM pg_settings WHERE name = ANY($1) ORDER BY name",
      [["shared_buffers", "work_mem", "effective_cache_size", "random_page_cost", "max_parallel_workers_per_gather", "jit"]],
    );
    return { version, settings: Object.fromEntries(rows.map((row) => [row.name, row.unit ? `${row.setting} × ${row.unit}` : row.setting])) };
  } finally {
    await client.end().catch(() => {});
  }
}
