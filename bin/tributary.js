#!/usr/bin/env node
// `npx tributary <command>`. The commands are TypeScript like the rest of Tributary; tsx (a runtime
// dependency, which also runs the worker) compiles them on load with the project's path aliases.
import { fileURLToPath } from "node:url";
import { register } from "tsx/esm/api";

const root = fileURLToPath(new URL("..", import.meta.url));
register({ tsconfig: `${root}tsconfig.json` });
const { main } = await import("../scripts/cli.ts");
process.exitCode = await main(process.argv.slice(2), root);
