import { describe, expect, it } from "vitest";
import { checkPostgres, checkRedis } from "@/lib/preflight";
import { freePort } from "@/scripts/lib/test-helpers";
import { TEST_DATABASE_URL } from "@/scripts/lib/test-env";

describe("start-up checks against real services", () => {
  it("accepts the running Postgres and Redis", async () => {
    await expect(checkPostgres(TEST_DATABASE_URL)).resolves.toEqual({ ok: true });
    await expect(checkRedis(process.env.REDIS_URL!)).resolves.toEqual({ ok: true });
  });

  it("says which Postgres URL is unreachable, without its password", async () => {
    const port = await freePort();
    const result = await checkPostgres(`postgresql://postgres:hunter2@127.0.0.1:${port}/tributary`);
    expect(result).toMatchObject({ ok: false, reason: "unreachable" });
    if (result.ok) return;
    expect(result.message).toBe(
      `Postgres is not reachable at postgresql://postgres:****@127.0.0.1:${port}/tributary (ECONNREFUSED); start it (npm run services) or fix DATABASE_URL`,
    );
  });

  it("tells a missing database from a missing server", async () => {
    const result = await checkPostgres("postgresql://postgres@127.0.0.1:5432/tributary_does_not_exist");
    expect(result).toMatchObject({ ok: false, reason: "missing_database" });
    if (!result.ok) expect(result.message).toContain('no database "tributary_does_not_exist"');
  });

  it("says which Redis URL is unreachable and why", async () => {
    const port = await freePort();
    const result = await checkRedis(`redis://127.0.0.1:${port}`);
    expect(result).toMatchObject({ ok: false, reason: "unreachable" });
    if (!result.ok) expect(result.message).toContain(`redis://127.0.0.1:${port} (ECONNREFUSED)`);
  });
});
