import { testEnvironment } from "@/scripts/lib/test-env";

// Runs in each vitest worker before its test file. The config's `env` was computed outside any
// slot; here the slot's own database, queue prefix and ports (scripts/lib/test-env.ts) replace it,
// before anything reads process.env.
Object.assign(process.env, testEnvironment());
