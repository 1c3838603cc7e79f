import type { Role } from "@/lib/generated/prisma/enums";

// What each role may do, in one table. Pages, route handlers and server actions each check one of
// these on the server (features/auth/session.ts); the navigation only hides what a role cannot use.
export const PERMISSIONS = {
  // Dashboards, sources, events, alarms: everything that only reads.
  "console:read": ["ADMIN", "ANALYST"],
  "sources:manage": ["ADMIN"],
  "users:manage": ["ADMIN"],
  "audit:read": ["ADMIN"],
  "settings:read": ["ADMIN"],
} as const satisfies Record<string, readonly Role[]>;

export type Permission = keyof typeof PERMISSIONS;

export function can(user: { role: Role } | null | undefined, permission: Permission): boolean {
  return Boolean(user) && (PERMISSIONS[permission] as readonly Role[]).includes(user!.role);
}
