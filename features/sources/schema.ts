import { z } from "zod";
import { decodeKeysetCursor } from "@/lib/keyset-cursor";

// The Slack log types a source can pull, what each needs from Slack, and which plans offer them.
// Isomorphic: the wizard, the server and (later) the worker read the same table.

export const LOG_TYPES = ["Slack.AuditLogs", "Slack.AccessLogs", "Slack.IntegrationLogs"] as const;
export type LogType = (typeof LOG_TYPES)[number];

export const SLACK_PLANS = ["ENTERPRISE_GRID", "PAID", "FREE"] as const;
export type SlackPlan = (typeof SLACK_PLANS)[number];
/** A stored source always has a plan that has log APIs; FREE only exists in the form, to explain why not. */
export type SupportedSlackPlan = Exclude<SlackPlan, "FREE">;

/** Where the Slack app must be installed for a log type: the Enterprise organization, or one workspace. */
export type InstallTarget = "organization" | "workspace";

type LogTypeInfo = {
  label: string;
  description: string;
  /** User token scope the installing user grants (reference §1.1, §2, §3). */
  userScope: string;
  installTarget: InstallTarget;
  plans: readonly SupportedSlackPlan[];
};

export const LOG_TYPE_INFO: Record<LogType, LogTypeInfo> = {
  "Slack.AuditLogs": {
    label: "Audit logs",
    description: "Who changed what across the organization: sign-ins, admin changes, exports, app installs.",
    userScope: "auditlogs:read",
    installTarget: "organization",
    plans: ["ENTERPRISE_GRID"],
  },
  "Slack.AccessLogs": {
    label: "Access logs",
    description: "Each new combination of user, IP address and device that accessed the workspace.",
    userScope: "admin",
    installTarget: "workspace",
    plans: ["ENTERPRISE_GRID", "PAID"],
  },
  "Slack.IntegrationLogs": {
    label: "Integration logs",
    description: "Apps and integrations added, removed, enabled or changed in the workspace.",
    userScope: "admin",
    installTarget: "workspace",
    plans: ["ENTERPRISE_GRID", "PAID"],
  },
};

export const PLAN_INFO: Record<SlackPlan, { label: string; description: string }> = {
  ENTERPRISE_GRID: { label: "Enterprise Grid", description: "An organization of several workspaces. Audit logs, or access and integration logs of one workspace." },
  PAID: { label: "Pro or Business+", description: "A single paid workspace. Access and integration logs." },
  FREE: { label: "Free", description: "Slack's free plan has no log APIs: team.accessLogs and team.integrationLogs answer paid_only, and audit logs need Enterprise Grid." },
};

export const isLogType = (value: string): value is LogType => (LOG_TYPES as readonly string[]).includes(value);

/** The user scopes an install must grant for these log types, deduplicated, in a stable order. */
export function requiredUserScopes(logTypes: readonly LogType[]): string[] {
  return [...new Set(LOG_TYPES.filter((type) => logTypes.includes(type)).map((type) => LOG_TYPE_INFO[type].userScope))];
}

/** One source is one installation, so its log types all share one install target. */
export function installTargetOf(logTypes: readonly LogType[]): InstallTarget {
  return logTypes.includes("Slack.AuditLogs") ? "organization" : "workspace";
}

export function describeLogTypes(logTypes: readonly string[]): string {
  return LOG_TYPES.filter((type) => logTypes.includes(type))
    .map((type) => LOG_TYPE_INFO[type].label)
    .join(", ");
}

// ---------------------------------------------------------------------------------------------
// What a person can type into the wizard, validated the same way in the form and on the server.

export const SOURCE_NAME_MAX = 64;

/**
 * Control, format and separator characters that would make two names look alike or hide text.
 * Zero-width (non-)joiners are allowed: Persian and Indic words and emoji sequences need them.
 */
const INVISIBLE = /[\p{Cc}\p{Zl}\p{Zp}]|(?![\u200c\u200d])\p{Cf}/u;

export const sourceNameSchema = z
  .string({ error: "Enter a name for the source" })
  .transform((value) => value.normalize("NFC").replace(/\s+/gu, " ").trim())
  .pipe(
    z
      .string()
      .min(1, "Enter a name for the source")
      .refine((value) => [...value].length <= SOURCE_NAME_MAX, `Use at most ${SOURCE_NAME_MAX} characters`)
      .refine((value) => !INVISIBLE.test(value), "Use visible characters only: no control or zero-width characters"),
  );

/** Names are unique regardless of case and Unicode form: "Slack Prod" and "slack prod" are one name. */
export function sourceNameKey(name: string): string {
  return name.normalize("NFKC").toLowerCase();
}

// ---------------------------------------------------------------------------------------------
// How far back the first pull of a new source reaches.

export const BACKFILL_DEFAULT_MINUTES = 24 * 60;
/** Slack keeps audit logs longer, but a month is what one first pull should be trusted to carry. */
export const BACKFILL_MAX_MINUTES = 30 * 24 * 60;

export const backfillMinutesSchema = z.coerce
  .number({ error: "Enter how far back the first pull reaches" })
  .int("Use whole minutes")
  .min(0, "The backfill cannot be negative")
  .max(BACKFILL_MAX_MINUTES, "The longest backfill is 30 days");

/** What the wizard offers; the command line takes any whole number of hours up to the maximum. */
export const BACKFILL_CHOICES: readonly { minutes: number; label: string }[] = [
  { minutes: 0, label: "Nothing: start from now" },
  { minutes: 60, label: "1 hour" },
  { minutes: 24 * 60, label: "24 hours" },
  { minutes: 7 * 24 * 60, label: "7 days" },
  { minutes: 30 * 24 * 60, label: "30 days" },
];

const logTypeSchema = z.enum(LOG_TYPES, { error: "Unknown log type" });

export const sourceConfigSchema = z
  .object({
    name: sourceNameSchema,
    plan: z.enum(SLACK_PLANS, { error: "Choose your Slack plan" }),
    logTypes: z.array(logTypeSchema).max(LOG_TYPES.length).default([]),
    backfillMinutes: backfillMinutesSchema.default(BACKFILL_DEFAULT_MINUTES),
  })
  .superRefine((config, ctx) => {
    const logTypes = new Set(config.logTypes);
    if (config.plan === "FREE") {
      ctx.addIssue({ code: "custom", path: ["plan"], message: "Slack's free plan has no log APIs. Upgrade the workspace to Pro or Business+ to pull access and integration logs." });
      return;
    }
    if (logTypes.size === 0) {
      ctx.addIssue({ code: "custom", path: ["logTypes"], message: "Choose at least one log type" });
      return;
    }
    if (logTypes.has("Slack.AuditLogs") && config.plan !== "ENTERPRISE_GRID") {
      ctx.addIssue({ code: "custom", path: ["logTypes"], message: "Audit logs need Enterprise Grid" });
    } else if (logTypes.has("Slack.AuditLogs") && logTypes.size > 1) {
      // Audit logs need an org-wide install, access and integration logs a workspace install: two tokens.
      ctx.addIssue({ code: "custom", path: ["logTypes"], message: "Audit logs need their own source: the app is installed on the organization for them, and on one workspace for access and integration logs" });
    }
  })
  .transform((config) => ({
    name: config.name,
    plan: config.plan as SupportedSlackPlan,
    logTypes: LOG_TYPES.filter((type) => config.logTypes.includes(type)),
    backfillMinutes: config.backfillMinutes,
  }));
export type SourceConfig = z.output<typeof sourceConfigSchema>;

export const sourceIdSchema = z.string().trim().regex(/^[a-z0-9]{20,32}$/, "Unknown source");

// Slack client IDs are two dot-separated numbers ("1234567890123.1234567890123"); a pasted app ID
// (A0…), signing secret or bot token fails here with a message saying what to copy instead.
export const clientIdSchema = z
  .string({ error: "Enter the Client ID" })
  .trim()
  .min(1, "Enter the Client ID")
  .max(64, "That is too long for a Client ID")
  .regex(/^\d{4,20}\.\d{4,20}$/, "A Client ID is two numbers joined by a dot, like 1234567890123.1234567890123 (Basic Information → App Credentials)");

export const clientSecretSchema = z
  .string()
  .trim()
  .max(256, "That is too long for a Client Secret")
  .refine((value) => !/\s/.test(value), "A Client Secret has no spaces: copy it again from Basic Information → App Credentials")
  .refine((value) => !/^xox[a-z]-/.test(value), "That is a Slack token, not the Client Secret: copy the Client Secret from Basic Information → App Credentials");

export const credentialsInputSchema = z.object({
  sourceId: sourceIdSchema,
  clientId: clientIdSchema,
  // Empty keeps the secret already saved: the browser never gets it back to resend it.
  clientSecret: clientSecretSchema.default(""),
});

// ---------------------------------------------------------------------------------------------
// The drop-off alarm set on the confirmation screen.

export const ALARM_MIN_MINUTES = 15;
export const ALARM_MAX_MINUTES = 30 * 24 * 60;
export const ALARM_DEFAULT_MINUTES = 24 * 60;
export const ALARM_MAX_RECIPIENTS = 20;

const emailSchema = z.email("is not an email address").max(254, "is too long for an email address");

/** Recipients as typed: separated by commas, semicolons, spaces or new lines; duplicates dropped. */
export const recipientsSchema = z
  .union([z.string(), z.array(z.string())])
  .transform((value, ctx) => {
    const parts = (Array.isArray(value) ? value : value.split(/[\s,;]+/)).map((part) => part.trim()).filter(Boolean);
    const emails = new Map<string, string>();
    for (const part of parts) {
      const parsed = emailSchema.safeParse(part);
      if (!parsed.success) {
        ctx.addIssue({ code: "custom", message: `"${part.slice(0, 80)}" ${parsed.error.issues[0]?.message ?? "is not an email address"}` });
        return z.NEVER;
      }
      emails.set(part.toLowerCase(), part);
    }
    return [...emails.values()];
  })
  .refine((emails) => emails.length <= ALARM_MAX_RECIPIENTS, `At most ${ALARM_MAX_RECIPIENTS} recipients`);

/**
 * The alarm settings, with the shortest threshold allowed here: 15 minutes, unless the deployment
 * lowered it (ALARM_MIN_THRESHOLD_MINUTES, for demos and tests). Server pages pass that minimum to
 * the forms so the browser checks what the server will.
 */
export function alarmSettingsSchemaFor(minimumMinutes: number = ALARM_MIN_MINUTES) {
  return z
    .object({
      sourceId: sourceIdSchema,
      isEnabled: z.boolean({ error: "Choose whether the alarm is on" }),
      thresholdMinutes: z.coerce
        .number({ error: "Enter how long to wait before alarming" })
        .int("Use whole minutes")
        .min(minimumMinutes, `The shortest interval is ${describeMinutes(minimumMinutes)}`)
        .max(ALARM_MAX_MINUTES, "The longest interval is 30 days"),
      recipients: recipientsSchema,
    })
    .refine((settings) => !settings.isEnabled || settings.recipients.length > 0, { path: ["recipients"], message: "Add at least one email address, or turn the alarm off" });
}
export const alarmSettingsSchema = alarmSettingsSchemaFor();
export type AlarmSettings = z.output<typeof alarmSettingsSchema>;

/** "1 day", "36 hours", "90 minutes": the threshold as a person reads it. */
export function describeMinutes(minutes: number): string {
  const plural = (count: number, unit: string) => `${count} ${unit}${count === 1 ? "" : "s"}`;
  if (minutes % 1440 === 0) return plural(minutes / 1440, "day");
  if (minutes % 60 === 0) return plural(minutes / 60, "hour");
  return plural(minutes, "minute");
}

// ---------------------------------------------------------------------------------------------
// Where a source stands in the wizard, so a half-finished one resumes where it stopped.

export const SETUP_STEPS = ["configure", "credentials", "verify", "alarm"] as const;
export type SetupStep = (typeof SETUP_STEPS)[number];

export const SETUP_STEP_LABELS: Record<SetupStep, string> = {
  configure: "Configure",
  credentials: "Set credentials",
  verify: "Verify setup",
  alarm: "Drop-off alarm",
};

export type SetupProgress = { status: string; credentialsSavedAt: Date | string | null; grantedAt: Date | string | null };

/** The step a source that is not yet active should resume at; null once setup is finished. */
export function resumeStepOf(source: SetupProgress): SetupStep | null {
  if (source.status !== "DRAFT" && source.status !== "AWAITING_GRANT") return null;
  if (!source.credentialsSavedAt) return "credentials";
  if (!source.grantedAt) return "verify";
  return "alarm";
}

/** Where a source's secrets live in the secrets table (features/secrets): never in the sources row. */
export const SOURCE_SECRET = { clientSecret: "slack.client_secret", accessToken: "slack.access_token" } as const;
export function sourceSecretAddress(sourceId: string, field: (typeof SOURCE_SECRET)[keyof typeof SOURCE_SECRET]) {
  return { ownerType: "source", ownerId: sourceId, field };
}

/** "the organization Northwind Traders" / "the workspace Globex": where a source's app is installed. */
export function describeInstall(source: { isEnterpriseInstall: boolean; slackEnterpriseName: string | null; slackEnterpriseId: string | null; slackTeamName: string | null; slackTeamId: string | null }): string {
  return source.isEnterpriseInstall ? `the organization ${source.slackEnterpriseName ?? source.slackEnterpriseId}` : `the workspace ${source.slackTeamName ?? source.slackTeamId}`;
}

// ---------------------------------------------------------------------------------------------
// The sources list and a source's dashboard, as the API serves them and the browser checks them.

export const SOURCE_STATUSES = ["DRAFT", "AWAITING_GRANT", "ACTIVE", "PAUSED", "ERROR"] as const;
export const ALARM_FILTERS = ["ALARM", "INSUFFICIENT_DATA", "OK", "off"] as const;
export const SOURCE_SORTS = ["name", "status", "health", "lastEvent", "lastPull", "events24h", "created"] as const;
export type SourceSort = (typeof SOURCE_SORTS)[number];
export const SOURCE_PAGE_SIZE = 50;

const emptyAsUndefined = <T extends z.ZodType>(schema: T) => z.union([schema, z.literal("")]).optional().transform((value) => (value === "" ? undefined : value) as z.output<T> | undefined);

export const sourceListQuerySchema = z.object({
  q: z.string().trim().max(SOURCE_NAME_MAX).optional().transform((value) => value || undefined),
  status: emptyAsUndefined(z.enum(SOURCE_STATUSES)),
  health: emptyAsUndefined(z.enum(["healthy", "unhealthy"])),
  alarm: emptyAsUndefined(z.enum(ALARM_FILTERS)),
  logType: emptyAsUndefined(z.enum(LOG_TYPES)),
  sort: z.enum(SOURCE_SORTS).default("name"),
  dir: z.enum(["asc", "desc"]).default("asc"),
  page: z.coerce.number().int().min(1, "Pages start at 1").max(10_000).default(1),
});
export type SourceListQuery = z.output<typeof sourceListQuerySchema>;

const isoOrNull = z.string().nullable();

export const healthSummarySchema = z.object({
  healthy: z.boolean(),
  failing: z.array(z.object({ label: z.string(), message: z.string() })),
});

export const sourceListRowSchema = z.object({
  id: z.string(),
  name: z.string(),
  plan: z.enum(["ENTERPRISE_GRID", "PAID"]),
  logTypes: z.array(z.enum(LOG_TYPES)),
  status: z.enum(SOURCE_STATUSES),
  resumeStep: z.enum(SETUP_STEPS).nullable(),
  slackName: z.string().nullable(),
  /** Null until setup is finished: a draft has nothing to be healthy about. */
  health: healthSummarySchema.nullable(),
  lastEventReceivedAt: isoOrNull,
  lastSuccessfulPullAt: isoOrNull,
  events24h: z.number().int(),
  /** Events stored in each of the last 24 hours, oldest first; the last is the current hour so far. */
  hourly: z.array(z.number().int()),
  alarmEnabled: z.boolean(),
  alarmState: z.enum(["OK", "ALARM", "INSUFFICIENT_DATA"]).nullable(),
  createdAt: z.string(),
});
export type SourceListRow = z.infer<typeof sourceListRowSchema>;

export const sourceListPageSchema = z.object({
  sources: z.array(sourceListRowSchema),
  total: z.number().int(),
  /** How many sources exist at all, so "no sources yet" differs from "none match". */
  totalUnfiltered: z.number().int(),
  page: z.number().int(),
  pageSize: z.number().int(),
});
export type SourceListPage = z.infer<typeof sourceListPageSchema>;

export const THROUGHPUT_RANGES = { "1h": { minutes: 60, bucketMinutes: 1 }, "24h": { minutes: 24 * 60, bucketMinutes: 15 }, "7d": { minutes: 7 * 24 * 60, bucketMinutes: 60 } } as const;
export type ThroughputRange = keyof typeof THROUGHPUT_RANGES;
export const throughputQuerySchema = z.object({ range: z.enum(["1h", "24h", "7d"]).default("1h") });

export const throughputSchema = z.object({
  range: z.enum(["1h", "24h", "7d"]),
  bucketMinutes: z.number().int(),
  logTypes: z.array(z.enum(LOG_TYPES)),
  /** One point per bucket, oldest first: events stored per minute in that bucket, per log type. */
  points: z.array(z.object({ at: z.string(), perMinute: z.record(z.string(), z.number()) })),
  /** Events stored in the whole range, per log type. */
  totals: z.record(z.string(), z.number().int()),
});
export type Throughput = z.infer<typeof throughputSchema>;

export const pullHistoryQuerySchema = z.object({
  logType: emptyAsUndefined(z.enum(LOG_TYPES)),
  outcome: emptyAsUndefined(z.enum(["RUNNING", "SUCCEEDED", "INCOMPLETE", "FAILED", "ABANDONED"])),
  page: z.coerce.number().int().min(1, "Pages start at 1").max(100_000).default(1),
});
export type PullHistoryQuery = z.output<typeof pullHistoryQuerySchema>;
export const PULL_HISTORY_PAGE_SIZE = 25;

// ---------------------------------------------------------------------------------------------
// The source's Settings tab: rename, backfill window, replay a time window, delete. Each form and
// its server action parse the same schema, so what the browser accepts the server accepts.

export const renameSourceInputSchema = z.object({ sourceId: sourceIdSchema, name: sourceNameSchema });

export const backfillInputSchema = z.object({ sourceId: sourceIdSchema, backfillMinutes: backfillMinutesSchema });

const DATETIME_LOCAL = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/;

/**
 * A datetime-local value ("2026-03-01T14:30") read as UTC. `new Date(value)` would read it in the
 * time zone of whichever machine parses it (the browser's, the server's), so the window an admin
 * typed would move by their offset. Null for anything that is not a real date and time.
 */
export function utcFromDateTimeLocal(value: string): Date | null {
  const match = DATETIME_LOCAL.exec(value);
  if (!match) return null;
  const [year, month, day, hour, minute, second] = match.slice(1).map((part) => Number(part ?? 0)) as [number, number, number, number, number, number];
  const date = new Date(Date.UTC(year, month - 1, day, hour, minute, second));
  // Date.UTC rolls 31 February over into March: only a value that comes back unchanged is a real date.
  const isExact = date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day && date.getUTCHours() === hour && date.getUTCMinutes() === minute;
  return isExact ? date : null;
}

/** The datetime-local value ("2026-03-01T14:30") of an instant, in UTC: what the replay form starts with. */
export function dateTimeLocalOfUtc(date: Date): string {
  return date.toISOString().slice(0, 16);
}

/** The replay form's first window: the last 24 hours in whole UTC minutes, so it never ends in the future. */
export function defaultReplayWindow(now = new Date()): { from: string; to: string } {
  const to = new Date(Math.floor(now.getTime() / 60_000) * 60_000);
  return { from: dateTimeLocalOfUtc(new Date(to.getTime() - 24 * 60 * 60_000)), to: dateTimeLocalOfUtc(to) };
}

const utcDateTimeSchema = (missingMessage: string) =>
  z
    .string({ error: missingMessage })
    .trim()
    .min(1, missingMessage)
    .transform((value, ctx) => {
      const date = utcFromDateTimeLocal(value);
      if (!date) {
        ctx.addIssue({ code: "custom", message: "Enter a date and a time, like 2026-03-01 14:30" });
        return z.NEVER;
      }
      return date;
    });

/**
 * "Replay a time window" as the settings form sends it: times in UTC as typed. The window's own
 * rules (not before 2013, ends after it starts, not in the future) are features/pulls/schema.ts
 * `replayRequestSchema`, which `startReplay` applies to what this returns.
 */
export const replayWindowInputSchema = z.object({
  sourceId: sourceIdSchema,
  logType: z.enum(LOG_TYPES, { error: "Choose a log type" }),
  from: utcDateTimeSchema("Enter when the window starts"),
  to: utcDateTimeSchema("Enter when the window ends"),
});

export const deleteSourceInputSchema = z.object({
  sourceId: sourceIdSchema,
  confirmName: z
    .string({ error: "Type the source's name to confirm" })
    .trim()
    .min(1, "Type the source's name to confirm")
    .max(SOURCE_NAME_MAX * 4, "That is not the source's name"),
  keepEvents: z.boolean({ error: "Choose whether to keep or delete its events" }),
});

/** Whether what was typed is the source's name, tidied the way names are (spaces, Unicode form) but with the same case. */
export function isConfirmedName(typed: string, name: string): boolean {
  const parsed = sourceNameSchema.safeParse(typed);
  return parsed.success && parsed.data === name;
}

/** What happened to the deleted source's Slack token (features/sources/deletion.ts). */
export const TOKEN_REVOCATIONS = ["revoked", "shared", "failed", "none"] as const;
export type TokenRevocation = (typeof TOKEN_REVOCATIONS)[number];

const sourceDeletedQuerySchema = z.object({
  deleted: z.string().trim().min(1).max(SOURCE_NAME_MAX * 4),
  events: z.enum(["kept", "deleted"]).catch("kept"),
  token: z.enum(TOKEN_REVOCATIONS).catch("none"),
});

/** Where the browser goes after a delete: the sources list, which says what happened (`sourceDeletedNotice`). */
export function sourceDeletedPath(outcome: { name: string; keepEvents: boolean; token: TokenRevocation }): string {
  const query = new URLSearchParams({ deleted: outcome.name, events: outcome.keepEvents ? "kept" : "deleted", token: outcome.token });
  return `/sources?${query.toString()}`;
}

/**
 * The sources list's notice after a delete, from its query (`?deleted=<name>&events=kept|deleted&
 * token=revoked|shared|failed|none`); null when the query is not one. The name comes from the URL,
 * so it is shown as text, never trusted further.
 */
export function sourceDeletedNotice(query: Record<string, string | string[] | undefined>): { tone: "success" | "error"; text: string } | null {
  const parsed = sourceDeletedQuerySchema.safeParse({ deleted: query.deleted, events: query.events, token: query.token });
  if (!parsed.success) return null;
  const { deleted, events, token } = parsed.data;
  const eventsText = events === "kept" ? "Its events were kept and stay searchable under its name." : "Its events were deleted.";
  const tokenText: Record<TokenRevocation, string> = {
    revoked: "Its Slack access token was revoked.",
    shared: "Its Slack access token was not revoked, because another source uses the same Slack app.",
    failed: "Slack did not confirm that its access token was revoked: remove the app from the workspace in Slack to be sure.",
    none: "",
  };
  return { tone: token === "failed" ? "error" : "success", text: `Source “${deleted}” deleted. ${eventsText} ${tokenText[token]}`.trim() };
}

const healthCheckSchema = z.object({
  id: z.enum(["credentials", "permissions", "last_pull", "last_event", "classification"]),
  label: z.string(),
  healthy: z.boolean(),
  message: z.string(),
  rawError: z.string().nullable(),
  fix: z.enum(["regrant", "reinstall_on_org", "rotate_credentials", "upgrade_plan"]).nullable(),
});

/** What the source page's header and overview refresh every few seconds. */
export const sourceSummarySchema = z.object({
  id: z.string(),
  name: z.string(),
  status: z.enum(SOURCE_STATUSES),
  alarmEnabled: z.boolean(),
  alarmState: z.enum(["OK", "ALARM", "INSUFFICIENT_DATA"]).nullable(),
  alarmStateSince: isoOrNull,
  lastEventReceivedAt: isoOrNull,
  lastEventTime: isoOrNull,
  lastSuccessfulPullAt: isoOrNull,
  health: z.object({ healthy: z.boolean(), checks: z.array(healthCheckSchema) }).nullable(),
  latestRuns: z.array(
    z.object({
      logType: z.enum(LOG_TYPES),
      run: z
        .object({ startedAt: z.string(), finishedAt: isoOrNull, outcome: z.string(), fetched: z.number(), stored: z.number(), duplicates: z.number(), failures: z.number(), error: z.string().nullable() })
        .nullable(),
    }),
  ),
});
export type SourceSummaryView = z.infer<typeof sourceSummarySchema>;

export const pullHistoryPageSchema = z.object({
  runs: z.array(
    z.object({
      id: z.string(),
      logType: z.string(),
      trigger: z.enum(["SCHEDULED", "MANUAL", "REPLAY"]),
      attempt: z.number().int(),
      startedAt: z.string(),
      finishedAt: isoOrNull,
      durationMs: z.number().nullable(),
      pages: z.number().int(),
      fetched: z.number().int(),
      stored: z.number().int(),
      duplicates: z.number().int(),
      failures: z.number().int(),
      outcome: z.enum(["RUNNING", "SUCCEEDED", "INCOMPLETE", "FAILED", "ABANDONED"]),
      errorCode: z.string().nullable(),
      error: z.string().nullable(),
      replayId: z.string().nullable(),
    }),
  ),
  total: z.number().int(),
  page: z.number().int(),
  pageSize: z.number().int(),
});
export type PullHistoryPage = z.infer<typeof pullHistoryPageSchema>;

export const failurePageSchema = z.object({
  failures: z.array(z.object({ id: z.string(), logType: z.string(), pullRunId: z.string().nullable(), field: z.string().nullable(), reason: z.string(), payload: z.string(), receivedAt: z.string() })),
  nextCursor: z.string().nullable(),
});
export type FailurePage = z.infer<typeof failurePageSchema>;

export const cursorQuerySchema = z.object({
  cursor: z
    .string()
    .max(200)
    .optional()
    .transform((value) => value || undefined)
    .refine((cursor) => !cursor || decodeKeysetCursor(cursor) !== null, "This page link is no longer valid: reload the page"),
});
