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
  // Creating and revoking the bearer tokens of /api/v1 (the tokens themselves act for their creator).
  "api-tokens:manage": ["ADMIN"],
  // Prometheus' /api/metrics: source IDs and fleet counts. A scraper uses METRICS_TOKEN instead.
  "metrics:read": ["ADMIN"],
  // Bull Board at /admin/queues: it can retry, remove and promote jobs and pause queues, so even
  // looking is admin-only (one permission, no read-only half to get wrong).
  "queues:manage": ["ADMIN"],
} as const satisfies Record<string, readonly Role[]>;

export type Permission = keyof typeof PERMISSIONS;

export function can(user: { role: Role } | null | undefined, permission: Permission): boolean {
  return Boolean(user) && (PERMISSIONS[permission] as readonly Role[]).includes(user!.role);
}
