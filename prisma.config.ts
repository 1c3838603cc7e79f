import { PrismaPg } from "@prisma/adapter-pg";
import { defineConfig } from "prisma/config";
import { envSchema, loadEnvFiles, parseWith } from "./lib/env";

// Prisma 6.19 fully offline: the migration engine runs as WebAssembly through the pg driver adapter,
// so no native engine is downloaded (see ../shared/design.md). With a config file Prisma no longer
// reads .env itself; load the same files as web and worker.
loadEnvFiles();
const { DATABASE_URL } = parseWith(envSchema.pick({ DATABASE_URL: true }), process.env);
// schema.prisma's env("DATABASE_URL") must resolve too: without it 6.19's generate falls back to
// downloading the native query engine, which this network cannot do.
process.env.DATABASE_URL = DATABASE_URL;

type Result = { fields: { dataTypeID: number }[] };
type Query = { sql: string; args: unknown[] };
type MigrationAdapter = {
  performIO: (query: Query) => Promise<Result>;
  executeRaw: (query: Query) => Promise<number>;
  executeScript: (script: string) => Promise<void>;
};
type AdapterFactory = { connect: () => Promise<MigrationAdapter>; connectToShadowDb?: () => Promise<MigrationAdapter> };

// Prisma's pg adapter cannot read the catalog types `name` (OID 19) and `"char"` (OID 18) that the
// migration engine queries (prisma/orm#27403); present them as text.
const CATALOG_TEXT_OIDS = new Set([18, 19]);
const TEXT_OID = 25;

function patchForMigrations(adapter: MigrationAdapter): MigrationAdapter {
  const performIO = adapter.performIO.bind(adapter);
  adapter.performIO = async (query) => {
    const result = await performIO(query);
    for (const field of result.fields) if (CATALOG_TEXT_OIDS.has(field.dataTypeID)) field.dataTypeID = TEXT_OID;
    return result;
  };
  // The engine replays whole migration files through executeRaw, which pg refuses for
  // multi-statement SQL in a prepared statement; run parameterless SQL as a script.
  const executeRaw = adapter.executeRaw.bind(adapter);
  adapter.executeRaw = async (query) => {
    if (query.args.length > 0) return executeRaw(query);
    await adapter.executeScript(query.sql);
    return 0;
  };
  return adapter;
}

function migrationAdapter(connectionString: string) {
  const factory = new PrismaPg({ connectionString }) as unknown as AdapterFactory;
  const connect = factory.connect.bind(factory);
  const connectToShadowDb = factory.connectToShadowDb?.bind(factory);
  factory.connect = async () => patchForMigrations(await connect());
  if (connectToShadowDb) factory.connectToShadowDb = async () => patchForMigrations(await connectToShadowDb());
  return factory as unknown as PrismaPg;
}

export default defineConfig({
  experimental: { adapter: true },
  engine: "js",
  schema: "prisma/schema.prisma",
  migrations: { path: "prisma/migrations", seed: "tsx prisma/seed.ts" },
  async adapter() {
    return migrationAdapter(DATABASE_URL);
  },
});
