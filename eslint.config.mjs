import nextVitals from "eslint-config-next/core-web-vitals";
import nextTypescript from "eslint-config-next/typescript";

// Layers point one way: app → features → components → lib (../shared/style.md). Written down here
// so a wrong-way import fails `npm run lint` instead of waiting for review.
const layer = (files, forbidden, message) => ({
  files,
  rules: {
    "no-restricted-imports": ["error", { patterns: forbidden.map((group) => ({ group: [group, `${group}/**`], message })) }],
  },
});

const config = [
  {
    ignores: [".next/**", ".next-*/**", "node_modules/**", "lib/generated/**", "next-env.d.ts", "test-results/**", "playwright-report/**", "bench/results/**"],
  },
  ...nextVitals,
  ...nextTypescript,
  {
    rules: {
      "@typescript-eslint/no-explicit-any": "error",
      "@typescript-eslint/consistent-type-imports": ["error", { fixStyle: "inline-type-imports" }],
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
    },
  },
  layer(["lib/**"], ["@/app", "@/features", "@/components", "@/worker", "@/emulator"], "lib/ is infrastructure: it never imports app/, features/, components/ or worker/."),
  layer(["components/**"], ["@/app", "@/features", "@/worker"], "components/ are domain-agnostic: pass data in as props."),
  layer(["features/**"], ["@/app", "@/worker"], "features/ never import app/ or worker/."),
  layer(["worker/**"], ["@/app", "@/components", "next", "next/*"], "The worker is a plain Node process: no app/, components/ or Next.js."),
  layer(["emulator/**"], ["@/app", "@/features", "@/components", "@/worker", "next", "next/*"], "The emulator stands alone: it imports nothing from the product."),
];

// Prisma only in data.ts / mutations.ts (reads and writes of a feature), seeds, tests and fixtures.
// A separate rule from the layer check above, so that neither replaces the other's options.
config.push(
  {
    files: ["**/*.ts", "**/*.tsx"],
    ignores: ["**/data.ts", "**/mutations.ts", "lib/db.ts", "prisma/**", "e2e/fixtures/**", "**/*.test.ts"],
    rules: {
      "@typescript-eslint/no-restricted-imports": [
        "error",
        {
          paths: [
            {
              name: "@/lib/db",
              importNames: ["db", "createDatabaseClient"],
              message: "Query Postgres only in a feature's data.ts (reads) or mutations.ts (writes).",
            },
          ],
        },
      ],
    },
  },
);

export default config;
