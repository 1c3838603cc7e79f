import { z } from "zod";

// API tokens for automation on /api/v1: what an admin types to create one, what the list shows, and
// the token's own format. Isomorphic: the form and the server action parse the same schema.

/**
 * Every token starts with this, so secret scanners (GitHub's, gitleaks, e2e/fixtures/logs.ts) can
 * recognise a leaked one by its shape alone.
 */
export const API_TOKEN_PREFIX = "trb_";
/** `trb_` and 32 random bytes in base64url (43 characters). */
export const API_TOKEN_PATTERN = /^trb_[A-Za-z0-9_-]{43}$/;
/** How much of a token the list shows: `trb_` and 8 characters, 48 of its 256 bits. */
export const API_TOKEN_DISPLAY_LENGTH = API_TOKEN_PREFIX.length + 8;

export const API_TOKEN_SCOPES = ["READ", "WRITE"] as const;
export type ApiTokenScope = (typeof API_TOKEN_SCOPES)[number];
export const API_TOKEN_SCOPE_LABELS: Record<ApiTokenScope, string> = {
  READ: "Read: list sources, pull runs and events",
  WRITE: "Read and write: also create, configure and delete sources",
};

/** Offered lifetimes in days; null never expires (revoke it when it is no longer needed). */
export const API_TOKEN_LIFETIMES = [
  { days: 30, label: "30 days" },
  { days: 90, label: "90 days" },
  { days: 365, label: "1 year" },
  { days: null, label: "Never" },
] as const;
export const API_TOKEN_MAX_LIFETIME_DAYS = 365;
export const API_TOKEN_NAME_MAX = 64;

export const createApiTokenSchema = z.object({
  name: z
    .string({ error: "Enter a name that says what the token is for" })
    .trim()
    .min(1, "Enter a name that says what the token is for")
    .max(API_TOKEN_NAME_MAX, `Use at most ${API_TOKEN_NAME_MAX} characters`)
    // Shown in lists and the audit trail: no control characters that could hide or fake text.
    .refine((value) => !/\p{Cc}/u.test(value), "Use visible characters only"),
  scope: z.enum(API_TOKEN_SCOPES, { error: "Choose read or read and write" }),
  expiresInDays: z
    .number({ error: "Choose when the token expires" })
    .int()
    .min(1, "A token lives at least a day")
    .max(API_TOKEN_MAX_LIFETIME_DAYS, "A token lives at most a year")
    .nullable(),
});
export type CreateApiTokenInput = z.infer<typeof createApiTokenSchema>;

export const apiTokenIdSchema = z.string().trim().regex(/^[a-z0-9]{20,32}$/, "Unknown token");
export const revokeApiTokenSchema = z.object({ tokenId: apiTokenIdSchema });

export const API_TOKEN_STATUSES = ["ACTIVE", "REVOKED", "EXPIRED", "CREATOR_DISABLED"] as const;
export type ApiTokenStatus = (typeof API_TOKEN_STATUSES)[number];
export const API_TOKEN_STATUS_LABELS: Record<ApiTokenStatus, string> = { ACTIVE: "Active", REVOKED: "Revoked", EXPIRED: "Expired", CREATOR_DISABLED: "Creator disabled" };

export const apiTokenListItemSchema = z.object({
  id: z.string(),
  name: z.string(),
  scope: z.enum(API_TOKEN_SCOPES),
  prefix: z.string(),
  createdBy: z.string(),
  createdAt: z.string(),
  lastUsedAt: z.string().nullable(),
  expiresAt: z.string().nullable(),
  revokedAt: z.string().nullable(),
  /** Whether requests with it are answered, and if not, why. */
  status: z.enum(API_TOKEN_STATUSES),
});
export type ApiTokenListItem = z.infer<typeof apiTokenListItemSchema>;
export const apiTokenListSchema = z.object({ tokens: z.array(apiTokenListItemSchema) });
