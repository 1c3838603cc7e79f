import { ConfigError, envSchema, loadEnvFiles, parseWith } from "@/lib/env";
import { ensureServices } from "@/scripts/lib/services";

// Only the connection settings matter here: secrets may not be configured yet on a fresh clone.
const connectionSchema = envSchema.pick({ DATABASE_URL: true, REDIS_URL: true });

async function main() {
  loadEnvFiles();
  const report = await ensureServices(parseWith(connectionSchema, process.env));
  for (const line of report.lines) console.log(line);
  process.exitCode = report.ok ? 0 : 1;
}

main().catch((error: unknown) => {
  console.error(error instanceof ConfigError ? error.message : `services: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
});
