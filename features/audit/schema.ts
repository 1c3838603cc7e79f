import { z } from "zod";
import { decodeKeysetCursor, isQueryableTime } from "@/lib/keyset-cursor";

/** Every action the audit trail records, with the words the console shows for it. */
export const AUDIT_ACTIONS = {
  "auth.sign_in": "Signed in",
  "auth.sign_in_failed": "Sign-in refused",
  "auth.sign_in_throttled": "Sign-in throttled",
  "auth.sign_out": "Signed out",
  "user.created": "User created",
  "user.invited": "User invited",
  "user.role_changed": "Role changed",
  "user.disabled": "User disabled",
  "user.enabled": "User re-enabled",
  "user.password_reset": "Password reset started",
  "user.password_set": "Password set",
  "secrets.rotated": "Secrets re-encrypted",
  "api_token.created": "API token created",
  "api_token.revoked": "API token revoked",
  "source.created": "Source created",
  "source.configured": "Source settings changed",
  "source.renamed": "Source renamed",
  "source.backfill_changed": "Backfill window changed",
  "source.credentials_saved": "Source credentials saved",
  "source.saved": "Source saved",
  "source.grant_started": "Slack access requested",
  "source.granted": "Slack access granted",
  "source.grant_failed": "Slack access refused",
  "source.activated": "Source activated",
  "source.discarded": "Unfinished source discarded",
  "source.deleted": "Source deleted",
  "source.token_after_delete": "Deleted source's Slack token",
  "source.token_replaced": "Replaced Slack token",
  "source.failed": "Source stopped by a Slack error",
  "source.recovered": "Source recovered",
  "source.paused": "Source paused",
  "source.resumed": "Source resumed",
  "source.replay_requested": "Replay requested",
  "source.alarm_updated": "Alarm settings changed",
  "source.alarm_test_sent": "Test alarm email sent",
  "queue.changed": "Queue changed on the board",
} as const;
export type AuditAction = keyof typeof AUDIT_ACTIONS;
const auditActionSchema = z.enum(Object.keys(AUDIT_ACTIONS) as [AuditAction, ...AuditAction[]]);

/** Who did it: a signed-in user, or a named non-user actor such as the command line. */
export type AuditActor = { id: string | null; label: string };
export const CLI_ACTOR: AuditActor = { id: null, label: "command line" };
export const ANONYMOUS_ACTOR: AuditActor = { id: null, label: "anonymous" };
/** Changes the worker makes by itself: a source stopped by a Slack error, or working again. */
export const WORKER_ACTOR: AuditActor = { id: null, label: "Tributary worker" };

export type AuditContext = { actor: AuditActor; ipAddress?: string | null; requestId?: string | null };

// Details are small, flat and never secret: identifiers, old and new values, counts.
type AuditDetail = string | number | boolean | null | string[];
export type AuditEntryInput = {
  action: AuditAction;
  target: { type: string; id?: string | null; label?: string | null };
  details?: Record<string, AuditDetail>;
};

// Postgres text cannot hold U+0000: a filter carrying one would fail the query (a 500), not match nothing.
const optionalText = (max: number) =>
  z
    .string()
    .trim()
    .max(max)
    .refine((value) => !value.includes("\u0000"), "Filters cannot contain a NUL character")
    .optional()
    .transform((value) => value || undefined);

const optionalTime = (label: "From" | "To") =>
  z
    .union([z.iso.datetime({ offset: true }), z.literal("")])
    .optional()
    .transform((value) => (value ? new Date(value) : undefined))
    .refine((date) => !date || isQueryableTime(date), `${label} must be a time between the years 0001 and 9999 (UTC)`);

export const AUDIT_PAGE_SIZE = 50;

export const auditQuerySchema = z
  .object({
    action: z.union([auditActionSchema, z.literal("")]).optional().transform((value) => value || undefined),
    actor: optionalText(254),
    target: optionalText(200),
    from: optionalTime("From"),
    to: optionalTime("To"),
    cursor: optionalText(200).refine((cursor) => !cursor || decodeKeysetCursor(cursor) !== null, "This page link is no longer valid: reload the audit trail"),
    limit: z.coerce.number().int().min(1).max(200).default(AUDIT_PAGE_SIZE),
  })
  .refine((query) => !query.from || !query.to || query.from <= query.to, { message: "The start of the range must be before its end", path: ["from"] });
export type AuditQuery = z.infer<typeof auditQuerySchema>;

export const auditEntrySchema = z.object({
  id: z.string(),
  at: z.string(),
  actorLabel: z.string(),
  action: z.string(),
  targetType: z.string(),
  targetId: z.string().nullable(),
  targetLabel: z.string().nullable(),
  details: z.record(z.string(), z.unknown()),
  ipAddress: z.string().nullable(),
});
export type AuditEntry = z.infer<typeof auditEntrySchema>;

export const auditPageSchema = z.object({ entries: z.array(auditEntrySchema), nextCursor: z.string().nullable() });
export type AuditPage = z.infer<typeof auditPageSchema>;

export function describeAuditAction(action: string): string {
  return action in AUDIT_ACTIONS ? AUDIT_ACTIONS[action as AuditAction] : action;
}
