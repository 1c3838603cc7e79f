import type { Random } from "@/emulator/random";
import type { World } from "@/emulator/world";

// Everything the emulator knows, in memory. One object per running emulator, passed to every
// handler; nothing is global, so tests can run several emulators side by side.

/** A Slack app registered through the control API (what api.slack.com/apps would hold). */
export type App = {
  appId: string;
  clientId: string;
  clientSecret: string;
  name: string;
  redirectUrls: string[];
  userScopes: string[];
  botScopes: string[];
  isDistributed: boolean;
  /** Set when the app is uninstalled everywhere: its tokens answer token_revoked. */
  uninstalledAt: number | null;
};

export type Token = {
  value: string;
  kind: "user" | "bot";
  appId: string;
  userId: string;
  /** The person who installed the app: the user for a user token, the installer for a bot token. */
  installerId: string;
  /** Null for an organization-wide install. */
  teamId: string | null;
  enterpriseId: string | null;
  isEnterpriseInstall: boolean;
  scopes: string[];
  createdAt: number;
  revokedAt: number | null;
};

export type AuthorizationCode = {
  code: string;
  clientId: string;
  /** The redirect_uri the authorize request named, which oauth.v2.access must repeat. */
  redirectUri: string | null;
  userId: string;
  teamId: string | null;
  enterpriseId: string | null;
  isEnterpriseInstall: boolean;
  userScopes: string[];
  botScopes: string[];
  expiresAt: number;
  usedAt: number | null;
};

/** An audit event exactly as the Audit Logs API serves it (fields vary by action). */
export type AuditEntry = { id: string; date_create: number; action: string } & Record<string, unknown>;

/** One team.accessLogs row: an aggregate per (user, IP, user agent) whose date_last and count grow. */
export type AccessLogRow = {
  user_id: string;
  username: string;
  date_first: number;
  date_last: number;
  count: number;
  ip: string | null;
  user_agent: string;
  isp: string | null;
  country: string | null;
  region: string | null;
};

/** One team.integrationLogs entry as served (`date` is a string, `service_id` number or string). */
export type IntegrationLogEntry = { date: string; change_type: string; user_id: string } & Record<string, unknown>;

/** Millions of audit events derived from a seed on demand (emulator/audit.ts), never stored. */
export type BulkAuditConfig = { enterpriseId: string; seed: string; count: number; oldest: number; latest: number };

export type FaultKind = "ratelimited" | "server_error" | "service_unavailable" | "hang" | "malformed_json" | "html_error" | "connection_reset" | "slack_error";
/**
 * Null filters match everything; clientId and token scope a fault to one app or one token, so parallel tests don't take each other's.
 * `after` matching requests are answered normally first, so a test can fail the third page of a walk.
 * `error` is the code a `slack_error` fault answers with (an IP allow-list turning a token away, say).
 */
export type Fault = { kind: FaultKind; remaining: number; after: number; error: string; retryAfterSeconds: number; pathPrefix: string | null; clientId: string | null; token: string | null };

/** Events per minute the traffic generator adds, per org/workspace. */
export type TrafficRates = { auditPerMinute: number; accessPerMinute: number; integrationPerMinute: number };

export type EmulatorState = {
  world: World;
  random: Random;
  apps: Map<string, App>;
  tokens: Map<string, Token>;
  codes: Map<string, AuthorizationCode>;
  /** Per enterprise, ascending by date_create (handlers read newest first from the end). */
  auditEntries: Map<string, AuditEntry[]>;
  bulkAudit: BulkAuditConfig | null;
  /** Per team; rows keyed by `${user_id}|${ip}|${user_agent}` inside. */
  accessLogs: Map<string, Map<string, AccessLogRow>>;
  /** Per team, ascending by date. */
  integrationLogs: Map<string, IntegrationLogEntry[]>;
  faults: Fault[];
  traffic: { isPaused: boolean; rates: TrafficRates };
  /** Rate-limit windows run this many times faster (tests); Retry-After shrinks with them. */
  speedUp: number;
  /** Unix seconds; replaceable so tests can move time. */
  now: () => number;
  /** How long events are kept (and listed as ground truth) before the traffic ticker prunes them. */
  retentionSeconds: { audit: number; teamLogs: number };
};

// A day of audit events (about 43,000 at the default rate) and a month of access and integration
// logs keep a long-running emulator's memory flat; soak tests can keep more.
export const DEFAULT_RETENTION_SECONDS = { audit: 86_400, teamLogs: 30 * 86_400 };

export const DEFAULT_TRAFFIC_RATES: TrafficRates = { auditPerMinute: 30, accessPerMinute: 20, integrationPerMinute: 1 };

export function systemNow(): number {
  return Math.floor(Date.now() / 1000);
}
