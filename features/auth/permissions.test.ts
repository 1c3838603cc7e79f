import { describe, expect, it } from "vitest";
import { can, PERMISSIONS, type Permission } from "@/features/auth/permissions";

describe("permissions", () => {
  it("lets an admin do everything", () => {
    for (const permission of Object.keys(PERMISSIONS) as Permission[]) expect(can({ role: "ADMIN" }, permission)).toBe(true);
  });

  it("keeps analysts read-only", () => {
    expect(can({ role: "ANALYST" }, "console:read")).toBe(true);
    for (const permission of ["sources:manage", "users:manage", "audit:read", "settings:read"] as const) {
      expect(can({ role: "ANALYST" }, permission)).toBe(false);
    }
  });

  it("refuses anyone who is not signed in", () => {
    expect(can(null, "console:read")).toBe(false);
    expect(can(undefined, "console:read")).toBe(false);
  });
});
