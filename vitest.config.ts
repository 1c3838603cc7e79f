import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";
import { testEnvironment, VITEST_WORKERS } from "./scripts/lib/test-env.ts";

export default defineConfig({
  resolve: { alias: { "@": fileURLToPath(new URL(".", import.meta.url)) } },
  test: {
    include: ["**/*.test.ts"],
    exclude: ["node_modules/**", ".next/**", ".next-bench/**", "e2e/**"],
    environment: "node",
    env: testEnvironment(),
    globalSetup: ["scripts/lib/vitest-global-setup.ts"],
    // Files run side by side, each slot with a database, queue prefix and ports of its own.
    maxWorkers: VITEST_WORKERS,
    setupFiles: ["scripts/lib/vitest-slot-setup.ts"],
    // Integration tests start processes and talk to Postgres/Redis; a generous timeout, no timing asserts.
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
