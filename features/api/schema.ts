import { z } from "zod";
import {
  ALARM_MAX_MINUTES,
  ALARM_MAX_RECIPIENTS,
  BACKFILL_MAX_MINUTES,
  backfillMinutesSchema,
  clientIdSchema,
  clientSecretSchema,
  LOG_TYPES,
  SETUP_STEPS,
  SLACK_PLANS,
  SOURCE_STATUSES,
  sourceConfigSchema,
  sourceNameSchema,
  sourceSummarySchema,
  TOKEN_REVOCATIONS,
} from "@/features/sources/schema";

// What /api/v1 reads and answers beyond the console's own schemas, which it reuses: the sources
// list and its filters, the wizard's source configuration (behind a strict JSON shape), pull history,
// the explorer's event query and page. The OpenAPI document (features/api/openapi.ts) is generated from these.

export const apiErrorSchema = z.object({
  error: z.object({
    code: z.string().meta({ description: "Stable, for programs: invalid_request, unauthorized, invalid_token, insufficient_scope, not_found, name_taken, wrong_state…" }),
    message: z.string().meta({ description: "For people: what is wrong and what to do." }),
    issues: z.array(z.object({ path: z.string(), message: z.string() })).optional().meta({ description: "One per invalid field, when the request did not validate." }),
  }),
});

/**
 * `then` applied to what `first` accepted. zod types a pipe's target by its source's output, which
 * the console's coercing and transforming schemas (input `unknown`) never match; the value is
 * handed on as it is.
 */
function parseThen<T extends z.ZodType>(first: z.ZodType, then: T) {
  return first.transform((value): unknown => value).pipe(then);
}

// The wizard's schemas read form fields, so backfillMinutes coerces strings to numbers; in a JSON
// body that would turn `null`, `""` or `false` into 0 minutes, the first pull quietly reaching back
// nowhere. The API takes a number and nothing else.
// (The range is checked, with its messages, by backfillMinutesSchema; meta documents it.)
const jsonBackfillMinutesSchema = parseThen(
  z.number({ error: "Send the backfill as a number of minutes" }).meta({ type: "integer", minimum: 0, maximum: BACKFILL_MAX_MINUTES }),
  backfillMinutesSchema,
);

/**
 * A new source: the wizard's first step, with its rules (sourceConfigSchema), behind a strict JSON
 * shape so that a field the API does not take (a client secret sent too early, a misspelt name) is
 * refused rather than dropped without a word, as PATCH and PUT refuse it.
 */
export const sourceCreateSchema = parseThen(z.strictObject({ ...sourceConfigSchema.in.shape, backfillMinutes: jsonBackfillMinutesSchema.optional() }), sourceConfigSchema);

/**
 * A change to a source; every field optional, at least one given. Applied in the order listed, each
 * in its own transaction: when one is refused (409, 422) the ones before it stay applied.
 */
export const sourcePatchSchema = z
  .strictObject({
    name: sourceNameSchema.optional(),
    plan: z.enum(SLACK_PLANS).optional().meta({ description: "Only until access is granted: the token is for one plan's install." }),
    logTypes: z.array(z.enum(LOG_TYPES)).max(LOG_TYPES.length).optional().meta({ description: "Only until access is granted." }),
    backfillMinutes: jsonBackfillMinutesSchema.optional(),
    alarm: z
      .strictObject({
        isEnabled: z.boolean().optional(),
        thresholdMinutes: z.number().int().min(1).max(ALARM_MAX_MINUTES).optional(),
        recipients: z.array(z.string().max(254)).max(ALARM_MAX_RECIPIENTS).optional(),
      })
      .optional()
      .meta({ description: "The drop-off alarm; fields left out keep their value." }),
    status: z
      .enum(["ACTIVE", "PAUSED"])
      .optional()
      .meta({ description: "PAUSED stops pulling an active source; ACTIVE resumes a paused one, or finishes the setup of a source that has been granted access." }),
  })
  .refine((patch) => Object.values(patch).some((value) => value !== undefined), { message: "Send at least one field to change" });
export type SourcePatch = z.output<typeof sourcePatchSchema>;

export const sourceCredentialsSchema = z.strictObject({
  clientId: clientIdSchema,
  clientSecret: clientSecretSchema.optional().meta({ description: "Write-only; left out or empty keeps the secret already saved." }),
});

export const sourceDeleteQuerySchema = z.object({
  keepEvents: z.enum(["true", "false"], { error: "Say whether to keep the source's events: keepEvents=true or keepEvents=false" }),
});

const iso = z.string().meta({ format: "date-time" });

/** One source as the API shows it: configuration, setup progress, health; whether a secret is saved, never the secret. */
export const apiSourceSchema = z.object({
  id: z.string(),
  name: z.string(),
  plan: z.enum(["ENTERPRISE_GRID", "PAID"]),
  logTypes: z.array(z.enum(LOG_TYPES)),
  status: z.enum(SOURCE_STATUSES),
  setupStep: z.enum(SETUP_STEPS).nullable().meta({ description: "Where setup stands while the source is not yet active: credentials, verify (grant access) or alarm." }),
  backfillMinutes: z.number().int(),
  clientId: z.string().nullable(),
  hasClientSecret: z.boolean(),
  grantedAt: iso.nullable(),
  grantedScopes: z.array(z.string()),
  slack: z.object({
    teamId: z.string().nullable(),
    teamName: z.string().nullable(),
    enterpriseId: z.string().nullable(),
    enterpriseName: z.string().nullable(),
    isEnterpriseInstall: z.boolean(),
  }),
  alarm: z.object({
    isEnabled: z.boolean(),
    thresholdMinutes: z.number().int(),
    recipients: z.array(z.string()),
    state: z.enum(["OK", "ALARM", "INSUFFICIENT_DATA"]).nullable(),
    stateSince: iso.nullable(),
  }),
  health: sourceSummarySchema.shape.health,
  error: z.object({ code: z.string(), detail: z.string().nullable(), since: iso.nullable() }).nullable(),
  lastEventReceivedAt: iso.nullable(),
  lastSuccessfulPullAt: iso.nullable(),
  createdAt: iso,
  updatedAt: iso,
});
export type ApiSource = z.infer<typeof apiSourceSchema>;

export const credentialsResultSchema = z.object({
  isVerified: z.boolean().meta({ description: "Slack confirmed that the client ID and secret belong together; false when Slack could not be asked." }),
  source: apiSourceSchema,
});

export const authorizeResultSchema = z.object({
  url: z.string().meta({ format: "uri", description: "Slack's install page. Open it in a browser signed in to Tributary as the token's creator, within 10 minutes." }),
  expiresAt: iso,
});

export const deletionResultSchema = z.object({
  name: z.string(),
  keepEvents: z.boolean(),
  eventCount: z.number().int(),
  eventsDeleted: z.number().int(),
  failuresDeleted: z.number().int(),
  token: z.enum(TOKEN_REVOCATIONS).meta({ description: "What happened to the source's Slack token: revoked, shared (another source uses the app), failed, none." }),
  isUnscheduled: z.boolean(),
});
