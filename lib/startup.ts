import { ConfigError, getEnv } from "@/lib/env";
import { checkMigrations, checkServices } from "@/lib/preflight";

/**
 * Refuses to run with bad configuration or unreachable services, printing one line that names the
 * problem rather than failing later with a stack trace on the first request or job.
 */
export async function verifyStartup(processName: "web" | "worker") {
  try {
    const env = getEnv();
    const unavailable = await checkServices(env);
    if (unavailable.length > 0) throw new ConfigError(unavailable.join("; "));
    const migrations = await checkMigrations(env.DATABASE_URL);
    if (!migrations.ok) throw new ConfigError(migrations.message);
    return env;
  } catch (error) {
    const message = error instanceof ConfigError ? error.message : `failed to start: ${error instanceof Error ? error.message : String(error)}`;
    console.error(`tributary ${processName}: ${message}`);
    process.exit(1);
  }
}
