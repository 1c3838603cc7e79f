import { beforeAll, describe, expect, it } from "vitest";
import { listAuditEntries } from "@/features/audit/data";
import { recordAudit } from "@/features/audit/mutations";
import { auditQuerySchema } from "@/features/audit/schema";
import { db } from "@/lib/db";
import { isolatedDatabaseForThisFile } from "@/scripts/lib/test-databases";

isolatedDatabaseForThisFile("audit");

beforeAll(async () => {
  // Seven entries a minute apart; several share a timestamp to exercise the (at, id) tie-break.
  const base = Date.parse("2026-11-20T10:00:00Z");
  const actions = ["auth.sign_in", "user.invited", "user.role_changed", "auth.sign_in", "user.disabled", "auth.sign_in", "user.enabled"] as const;
  for (const [index, action] of actions.entries()) {
    await recordAudit({ actor: { id: null, label: index % 2 ? "alice@example.test" : "bob@example.test" } }, { action, target: { type: "user", id: `u${index}`, label: `target-${index}@example.test` } });
    await db.auditTrail.updateMany({ where: { targetId: `u${index}` }, data: { at: new Date(base + Math.floor(index / 2) * 60_000) } });
  }
});

const query = (input: Record<string, string>) => auditQuerySchema.parse(input);

describe("audit trail listing", () => {
  it("pages newest first without skipping or repeating entries that share a time", async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page = await listAuditEntries(query({ limit: "3", ...(cursor ? { cursor } : {}) }));
      expect(page.entries.length).toBeLessThanOrEqual(3);
      seen.push(...page.entries.map((entry) => entry.targetId!));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toHaveLength(7);
    expect(new Set(seen).size).toBe(7);
    expect(seen[0]).toBe("u6");
    expect(seen.at(-1)).toMatch(/^u[01]$/);
  });

  it("filters by action, actor, target and time range", async () => {
    const ids = async (input: Record<string, string>) => (await listAuditEntries(query(input))).entries.map((entry) => entry.targetId).sort();
    expect(await ids({ action: "auth.sign_in" })).toEqual(["u0", "u3", "u5"]);
    expect(await ids({ actor: "ALICE" })).toEqual(["u1", "u3", "u5"]);
    expect(await ids({ target: "target-4" })).toEqual(["u4"]);
    expect(await ids({ target: "u2" })).toEqual(["u2"]);
    expect(await ids({ from: "2026-11-20T10:01:00Z", to: "2026-11-20T10:02:00Z" })).toEqual(["u2", "u3", "u4", "u5"]);
  });

  it("rejects a filter it cannot apply", () => {
    expect(auditQuerySchema.safeParse({ action: "user.exploded" }).success).toBe(false);
    expect(auditQuerySchema.safeParse({ cursor: "bm9wZQ" }).success).toBe(false);
    expect(auditQuerySchema.safeParse({ from: "yesterday" }).success).toBe(false);
    expect(auditQuerySchema.safeParse({ from: "2026-11-21T00:00:00Z", to: "2026-11-20T00:00:00Z" }).success).toBe(false);
  });
});
