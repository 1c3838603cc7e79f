import { z } from "zod";

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
