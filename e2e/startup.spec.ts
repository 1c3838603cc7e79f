import { expect, test } from "@playwright/test";
import { freePort, freePortPair, runCommand } from "@/scripts/lib/test-helpers";

// The web server's start-up checks (instrumentation.ts), on the production build.
test("next start with an unreachable database stops with one line naming DATABASE_URL", async () => {
  const [port, databasePort] = await freePortPair();
  const { code, stderr } = await runCommand(["next", "start", "--port", String(port)], {
    DATABASE_URL: `postgresql://postgres@127.0.0.1:${databasePort}/tributary`,
  });
  expect(code).toBe(1);
  const ours = stderr.split("\n").filter((line) => line.startsWith("tributary web:"));
  expect(ours).toEqual([
    `tributary web: Postgres is not reachable at postgresql://postgres@127.0.0.1:${databasePort}/tributary (ECONNREFUSED); start it (npm run services) or fix DATABASE_URL`,
  ]);
  expect(stderr).not.toMatch(/\n\s+at /);
});

test("next start with a weak NEXTAUTH_SECRET stops with one line naming it", async () => {
  const { code, stderr } = await runCommand(["next", "start", "--port", String(await freePort())], { NEXTAUTH_SECRET: "too-short" });
  expect(code).toBe(1);
  expect(stderr).toMatch(/^tributary web: Invalid configuration: NEXTAUTH_SECRET must be at least 32 characters/m);
});
