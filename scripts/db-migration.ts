import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { envSchema, loadEnvFiles, parseWith } from "@/lib/env";
import { createDatabaseIfMissing, dropDatabase, withDatabaseName } from "@/lib/postgres-admin";

// `prisma migrate dev` needs a shadow database it cannot get here (see ../shared/design.md), so the
// next migration is computed with `migrate diff` against a scratch database that lives for one run.

const MIGRATIONS_DIR = "prisma/migrations";

function timestamp(date = new Date()): string {
  return date.toISOString().replace(/[-:T]/g, "").slice(0, 14);
}

async function main() {
  const name = process.argv[2];
  if (!name || !/^[a-z0-9][a-z0-9_]{0,62}$/.test(name)) {
    console.error("usage: npm run db:migration -- <name>   (lower-case letters, digits and _, e.g. add_sources)");
    process.exit(2);
  }
  if (existsSync(MIGRATIONS_DIR) && readdirSync(MIGRATIONS_DIR).some((entry) => entry.endsWith(`_${name}`))) {
    console.error(`a migration named "${name}" already exists`);
    process.exit(2);
  }
  loadEnvFiles();
  const { DATABASE_URL } = parseWith(envSchema.pick({ DATABASE_URL: true }), process.env);
  const scratchUrl = withDatabaseName(DATABASE_URL, `tributary_scratch_${randomBytes(4).toString("hex")}`);
  // migrate diff reads the provider from the lock file, which the very first migration must create.
  const lockFile = join(MIGRATIONS_DIR, "migration_lock.toml");
  mkdirSync(MIGRATIONS_DIR, { recursive: true });
  if (!existsSync(lockFile)) writeFileSync(lockFile, 'provider = "postgresql"\n');
  await createDatabaseIfMissing(scratchUrl);
  try {
    const diff = spawnSync(
      "npx",
      ["prisma", "migrate", "diff", "--from-migrations", MIGRATIONS_DIR, "--to-schema-datamodel", "prisma/schema.prisma", "--script"],
      { env: { ...process.env, DATABASE_URL: scratchUrl }, encoding: "utf8" },
    );
    if (diff.status !== 0) {
      process.stderr.write(diff.stderr || diff.stdout);
      process.exitCode = 1;
      return;
    }
    // The CLI prints "Loaded Prisma config…" on stdout before the SQL.
    const sql = diff.stdout
      .split("\n")
      .filter((line) => !line.startsWith("Loaded Prisma config"))
      .join("\n")
      .trim();
    if (sql === "" || sql === "-- This is an empty migration.") {
      console.log("The schema matches the migrations: nothing to create.");
      return;
    }
    const directory = join(MIGRATIONS_DIR, `${timestamp()}_${name}`);
    mkdirSync(directory, { recursive: true });
    writeFileSync(join(directory, "migration.sql"), `${sql}\n`);
    console.log(`Created ${join(directory, "migration.sql")}; apply it with npm run db:deploy`);
  } finally {
    await dropDatabase(scratchUrl);
  }
}

main().catch((error: unknown) => {
  console.error(`db:migration: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
