import { availableParallelism } from "node:os";
import pg from "pg";

// The dashboard benchmark's data, generated inside Postgres (INSERT … SELECT generate_series): a
// round trip per row would make ten million events take an hour. The shapes follow what the pullers
// store (features/events/normalize.ts, features/events/log-types/*.yml), so the explorer reads
// realistic jsonb and the indicator arrays match a realistic number of rows: ~50,000 IPs, ~20,000
// people, so one IP or email is in a few hundred of ten million events, as in a real org.

export type DashboardSeedOptions = {
  sources: number;
  events: number;
  /** How far back the events reach (default 30 days). */
  days?: number;
  /** "Now" for the seeded data: events end just before it. */
  anchor?: Date;
  /** Events per INSERT statement (default: a twentieth, at most 500,000), so progress can be printed. */
  chunkSize?: number;
  /** Connections inserting chunks (and building indexes) side by side. */
  parallelism?: number;
  log?: (line: string) => void;
};

export type DashboardSeedSummary = { seconds: number; steps: { name: string; seconds: number }[]; eventsPerSecond: number };

export const LOG_TYPE_SHARES = { "Slack.AuditLogs": 0.7, "Slack.AccessLogs": 0.2, "Slack.IntegrationLogs": 0.1 } as const;
type LogType = keyof typeof LOG_TYPE_SHARES;
const LOG_TYPES = Object.keys(LOG_TYPE_SHARES) as LogType[];

export const USER_POOL_SIZE = 20_000;
export const IP_POOL_SIZE = 50_000;

// The emulator's action mix (emulator/audit-events.ts ACTION_MIX), weights out of ~860: sign-ins
// dominate, admin actions are rare, as in a real audit log.
const AUDIT_ACTION_WEIGHTS: Record<string, number> = {
  user_login: 380,
  user_logout: 60,
  user_login_failed: 25,
  file_downloaded: 130,
  file_uploaded: 60,
  file_shared: 35,
  file_public_link_created: 6,
  file_downloaded_blocked: 4,
  file_deleted: 8,
  user_channel_join: 80,
  user_channel_leave: 25,
  guest_channel_join: 5,
  public_channel_created: 10,
  private_channel_created: 6,
  channel_renamed: 3,
  public_channel_archive: 3,
  app_installed: 4,
  app_scopes_expanded: 3,
  app_approved: 2,
  emoji_added: 12,
  user_created: 5,
  user_deactivated: 2,
  user_reactivated: 1,
  role_change_to_admin: 1,
  user_email_updated: 2,
  user_session_reset_by_admin: 4,
  user_session_invalidated: 3,
  anomaly: 6,
  manual_export_started: 1,
  "pref.sso_setting_changed": 1,
  "pref.two_factor_auth_changed": 1,
};
export const AUDIT_ACTIONS = Object.keys(AUDIT_ACTION_WEIGHTS);
const WEIGHTED_AUDIT_ACTIONS = Object.entries(AUDIT_ACTION_WEIGHTS).flatMap(([action, weight]) => Array<string>(weight).fill(action));
export const INTEGRATION_CHANGE_TYPES = ["added", "removed", "enabled", "disabled", "expanded"];

const FIRST_NAMES = ["Maria", "James", "Wei", "Fatima", "Olga", "Carlos", "Aiko", "Noah", "Priya", "Liam", "Sofia", "Mateo", "Amara", "Lucas", "Yuki", "Elena", "Omar", "Chloe", "Ivan", "Zara", "Diego", "Hana", "Felix", "Leila", "Tomas", "Nina", "Arjun", "Grace", "Kofi", "Mila", "Ravi", "Emma", "Sven", "Ines", "Jonas", "Aisha", "Pablo", "Keiko", "Marco", "Lena", "Samir", "Julia", "Oscar", "Nadia", "Hugo", "Vera", "Andre", "Maya", "Tariq", "Alba"];
const LAST_NAMES = ["Garcia", "Smith", "Chen", "Khan", "Ivanova", "Silva", "Tanaka", "Muller", "Patel", "Brown", "Rossi", "Lopez", "Okafor", "Martin", "Sato", "Novak", "Haddad", "Dubois", "Petrov", "Ahmed", "Torres", "Kim", "Weber", "Nasser", "Costa", "Berg", "Sharma", "Wilson", "Mensah", "Horvat", "Rao", "Taylor", "Larsen", "Moreau", "Fischer", "Yilmaz", "Ruiz", "Ito", "Bianchi", "Schmidt"];
const USER_AGENTS = [
  "SlackWeb Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/129.0.0.0 Safari/537.36",
  "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Slack/4.41.97 Chrome/128.0.6613.186 Electron/32.2.0 Safari/537.36 Sonic",
  "com.tinyspeck.chatlyio/24.10.10 (iPhone; iOS 18.0.1; Scale/3.00)",
  "Slack/24.10.10.0 (Linux; U; Android 14; Pixel 8 Build/AP2A.240905.003)",
  "Python/3.12 aiohttp/3.10.5 slack_sdk/3.33.1",
];
const NETWORKS = [
  ["Comcast Cable Communications", "US", "CA"],
  ["Verizon Fios", "US", "NY"],
  ["Deutsche Telekom AG", "DE", "BE"],
  ["British Telecommunications PLC", "GB", "ENG"],
  ["Orange S.A.", "FR", "IDF"],
  ["NTT Communications", "JP", "13"],
];
const FILES = [
  ["Q3 board deck.pdf", "pdf"],
  ["customer-export-2024.csv", "csv"],
  ["architecture-overview.png", "png"],
  ["payroll_march.xlsx", "xlsx"],
  ["incident-1432-timeline.docx", "docx"],
  ["db-dump.sql.gz", "gzip"],
];
const CHANNELS = ["general", "random", "eng-platform", "sec-alerts", "sales-emea", "incident-1432", "design-review", "hr-private"];
const APPS = ["Google Drive", "Zoom", "Jira Cloud", "PagerDuty", "Okta", "Donut", "Security Bot"];
const COMPANIES = ["Acme", "Globex", "Initech", "Umbrella", "Hooli", "Stark", "Wayne", "Wonka", "Cyberdyne", "Soylent", "Tyrell", "Aperture", "Vandelay", "Oscorp", "Massive Dynamic", "Pied Piper"];
const UNITS = ["Production", "Staging", "EU", "US", "APAC", "Engineering", "Sales", "Support", "Legal", "Finance", "Security", "Marketing"];
const ERROR_CODES = ["token_revoked", "missing_scope", "invalid_auth", "account_inactive", "team_not_authorized"];
const EMAIL_DOMAINS = ["acme.example", "globex.example", "initech.example", "hooli.example"];

const sqlText = (value: string) => `'${value.replaceAll("'", "''")}'`;
const sqlArray = (values: readonly string[]) => `(ARRAY[${values.map(sqlText).join(",")}]::text[])`;

/**
 * Pure functions the generator uses per row. SQL-language and STABLE so the planner can inline them
 * into the INSERT … SELECT rather than call a function for every event.
 */
const HELPER_FUNCTIONS = [
  `CREATE OR REPLACE FUNCTION bench_handle(k int) RETURNS text LANGUAGE sql STABLE AS $$
     SELECT lower((${sqlArray(FIRST_NAMES)})[1 + k % ${FIRST_NAMES.length}]) || '.' ||
            lower((${sqlArray(LAST_NAMES)})[1 + (k / ${FIRST_NAMES.length}) % ${LAST_NAMES.length}]) ||
            CASE WHEN k / ${FIRST_NAMES.length * LAST_NAMES.length} > 0 THEN (k / ${FIRST_NAMES.length * LAST_NAMES.length})::text ELSE '' END $$`,
  `CREATE OR REPLACE FUNCTION bench_email(k int) RETURNS text LANGUAGE sql STABLE AS $$
     SELECT bench_handle(k) || '@' || (${sqlArray(EMAIL_DOMAINS)})[1 + k % ${EMAIL_DOMAINS.length}] $$`,
  `CREATE OR REPLACE FUNCTION bench_user_id(k int) RETURNS text LANGUAGE sql STABLE AS $$
     SELECT 'U0' || upper(lpad(to_hex(k), 7, '0')) $$`,
  // 200 × 250 first-two-octet pairs: every k below 50,000 is a distinct address.
  `CREATE OR REPLACE FUNCTION bench_ip(k int) RETURNS text LANGUAGE sql STABLE AS $$
     SELECT (11 + k % 200)::text || '.' || ((k / 200) % 250)::text || '.' || ((k * 7) % 256)::text || '.' || (1 + (k * 13) % 254)::text $$`,
  // As normalize.ts writes timestamps: RFC 3339 in UTC, no fraction for Slack's unix seconds, and
  // milliseconds for the parse time. Cut from the text output, which connect() makes ISO in UTC;
  // cheaper per row than to_char.
  `CREATE OR REPLACE FUNCTION bench_iso(t timestamptz) RETURNS text LANGUAGE sql STABLE AS $$
     SELECT replace(left(t::text, 19), ' ', 'T') || 'Z' $$`,
  `CREATE OR REPLACE FUNCTION bench_iso_ms(t timestamptz) RETURNS text LANGUAGE sql STABLE AS $$
     SELECT replace(left(t::text, 19), ' ', 'T') || '.' || lpad((floor(extract(milliseconds FROM t))::int % 1000)::text, 3, '0') || 'Z' $$`,
];
const HELPER_CLEANUP = [
  "DROP FUNCTION IF EXISTS bench_handle(int), bench_email(int), bench_user_id(int), bench_ip(int), bench_iso(timestamptz), bench_iso_ms(timestamptz)",
  "DROP TABLE IF EXISTS bench_source_slots, bench_users, bench_ips",
];

// The people and addresses events draw from, built once so that each event joins a row instead of
// building its strings again.
const CREATE_POOLS = [
  `CREATE UNLOGGED TABLE bench_users AS
   SELECT k, bench_handle(k) AS handle, bench_email(k) AS email, bench_user_id(k) AS user_id FROM generate_series(0, ${USER_POOL_SIZE - 1}) AS k`,
  "ALTER TABLE bench_users ADD PRIMARY KEY (k)",
  `CREATE UNLOGGED TABLE bench_ips AS SELECT k, bench_ip(k) AS ip FROM generate_series(0, ${IP_POOL_SIZE - 1}) AS k`,
  "ALTER TABLE bench_ips ADD PRIMARY KEY (k)",
  "ANALYZE bench_users",
  "ANALYZE bench_ips",
];

// Sources: i from 1. In every 50: 3 in ERROR, 2 PAUSED, 1 silent long enough to be in ALARM, the
// rest healthy (the first few all healthy, so a tiny seed looks like a working install). 70 % Enterprise Grid (audit logs need it), the rest paid workspaces.
// last_event_received_at holds when a source went quiet until the events exist; it is recomputed
// from them at the end.
const INSERT_SOURCES = `
WITH plan AS (
  SELECT i,
    ${sqlArray(COMPANIES)}[1 + i % ${COMPANIES.length}] AS company,
    ${sqlArray(UNITS)}[1 + (i / ${COMPANIES.length}) % ${UNITS.length}] AS unit,
    i % 10 < 7 AS is_grid,
    CASE WHEN i % 50 IN (7, 23, 41) THEN 'ERROR' WHEN i % 50 IN (13, 37) THEN 'PAUSED' ELSE 'ACTIVE' END AS status,
    i % 50 = 29 AS is_silent,
    i % 17 <> 0 AS alarm_enabled,
    CASE WHEN i % 7 = 0 THEN 60 ELSE 1440 END AS threshold,
    $1::timestamptz - make_interval(days => 31 + i % 370) AS activated_at
  FROM generate_series(1, $2::int) AS i
), timed AS (
  SELECT plan.*,
    CASE WHEN status = 'ERROR' THEN $1::timestamptz - make_interval(hours => 1 + i % 47) END AS error_since,
    CASE WHEN status = 'PAUSED' THEN $1::timestamptz - make_interval(days => 1 + i % 10) END AS paused_at,
    CASE WHEN is_silent THEN $1::timestamptz - make_interval(mins => threshold) - make_interval(hours => 2 + i % 40) END AS silent_since
  FROM plan
), shaped AS (
  SELECT timed.*,
    COALESCE(error_since, paused_at, silent_since) AS quiet_since,
    company || ' ' || unit || ' ' || i AS name,
    CASE WHEN NOT is_grid THEN ARRAY['Slack.AccessLogs', 'Slack.IntegrationLogs']
         WHEN i % 10 = 3 THEN ARRAY['Slack.AuditLogs']
         ELSE ARRAY['Slack.AuditLogs', 'Slack.AccessLogs', 'Slack.IntegrationLogs'] END AS log_types
  FROM timed
), alarmed AS (
  SELECT shaped.*,
    CASE WHEN NOT alarm_enabled OR status = 'PAUSED' THEN NULL
         WHEN quiet_since IS NOT NULL AND quiet_since + make_interval(mins => threshold) < $1::timestamptz THEN 'ALARM'
         ELSE 'OK' END AS alarm_state
  FROM shaped
)
INSERT INTO sources (id, name, name_key, type, plan, log_types, status, client_id, credentials_saved_at, granted_client_id,
  granted_scopes, granted_at, slack_team_id, slack_team_name, slack_enterprise_id, slack_enterprise_name, is_enterprise_install,
  slack_url, installer_user_id, installer_name, alarm_enabled, alarm_threshold_minutes, alarm_recipients, activated_at,
  backfill_minutes, last_successful_pull_at, last_event_received_at, error_code, error_detail, error_log_type, error_since,
  next_retry_at, paused_at, alarm_state, alarm_state_since, alarm_watched_since, created_at, updated_at)
SELECT
  'cbench' || lpad(i::text, 19, '0'), name, lower(name), 'SLACK'::"SourceType", CASE WHEN is_grid THEN 'ENTERPRISE_GRID' ELSE 'PAID' END::"SlackPlan",
  log_types, status::"SourceStatus", '1234567890.' || (4000000000 + i), activated_at - interval '20 minutes', '1234567890.' || (4000000000 + i),
  CASE WHEN is_grid THEN ARRAY['auditlogs:read', 'admin'] ELSE ARRAY['admin'] END, activated_at - interval '5 minutes',
  'T0' || upper(lpad(to_hex(i), 8, '0')), company || ' ' || unit,
  CASE WHEN is_grid THEN 'E0' || upper(lpad(to_hex(i), 8, '0')) END, CASE WHEN is_grid THEN company END, is_grid,
  'https://' || lower(replace(company, ' ', '')) || '-' || i || '.slack.com', bench_user_id(i), initcap(replace(bench_handle(i), '.', ' ')),
  alarm_enabled, threshold, ARRAY['secops@' || lower(replace(company, ' ', '')) || '.example'], activated_at, 1440,
  COALESCE(error_since, paused_at, $1::timestamptz - make_interval(secs => i % 55)), quiet_since,
  CASE WHEN status = 'ERROR' THEN ${sqlArray(ERROR_CODES)}[1 + i % ${ERROR_CODES.length}] END,
  CASE WHEN status = 'ERROR' THEN 'Slack answered ok=false, error=' || ${sqlArray(ERROR_CODES)}[1 + i % ${ERROR_CODES.length}] END,
  CASE WHEN status = 'ERROR' THEN log_types[1] END, error_since,
  CASE WHEN status = 'ERROR' THEN $1::timestamptz + make_interval(mins => 1 + i % 59) END, paused_at,
  alarm_state::"AlarmState",
  CASE WHEN alarm_state = 'ALARM' THEN quiet_since + make_interval(mins => threshold) WHEN alarm_state = 'OK' THEN activated_at + interval '1 hour' END,
  CASE WHEN alarm_state IS NOT NULL THEN activated_at END,
  activated_at - interval '1 hour', $1::timestamptz
FROM alarmed`;

// One row per (log type, source that has it): the events generator picks a slot number, skewed so
// that some orgs are far busier than others, and the fallback slot among sources still sending when
// the picked one had gone quiet by the event's time.
const CREATE_SLOTS = `
CREATE UNLOGGED TABLE bench_source_slots AS
SELECT lt AS log_type,
  (row_number() OVER (PARTITION BY lt ORDER BY md5(s.id)) - 1)::int AS slot,
  CASE WHEN s.last_event_received_at IS NULL
       THEN (row_number() OVER (PARTITION BY lt, s.last_event_received_at IS NULL ORDER BY md5(s.id)) - 1)::int END AS active_slot,
  s.id AS source_id, s.name AS label, s.last_event_received_at AS quiet_since,
  s.slack_team_id AS team_id, COALESCE(s.slack_enterprise_id, s.slack_team_id) AS location_id,
  COALESCE(s.slack_enterprise_name, s.slack_team_name) AS location_name,
  CASE WHEN s.is_enterprise_install THEN 'enterprise' ELSE 'workspace' END AS location_type,
  split_part(substr(s.slack_url, 9), '.', 1) AS domain
FROM sources s CROSS JOIN LATERAL unnest(s.log_types) AS lt`;

/**
 * One chunk of events [$1, $2) of $3, oldest first, so the heap is ordered by time as a table that
 * pulls fill minute by minute is. Each event gets a log type by share, a source by slot, a person
 * from the user pool and an address from the IP pool; the jsonb is the normalized event.
 */
const INSERT_EVENTS = `
WITH drawn AS (
  SELECT i, date_trunc('second', $4::timestamptz - make_interval(secs => $5::float8 * (1 - (i + random()) / $3::float8) + 120)) AS t,
    random() AS r_type, random() AS r_src, random() AS r_alt, random() AS r_act, random() AS r_misc,
    floor(random() * ${USER_POOL_SIZE})::int AS u, floor(random() * ${USER_POOL_SIZE})::int AS u2,
    floor(random() * ${IP_POOL_SIZE})::int AS ip_k, md5(i::text || $13::text) AS h
  FROM generate_series($1::bigint, $2::bigint - 1) AS i
), typed AS (
  SELECT drawn.*, CASE WHEN r_type < $6::float8 THEN 1 WHEN r_type < $7::float8 THEN 2 ELSE 3 END AS type_index FROM drawn
), g AS MATERIALIZED (
  SELECT d.*, ($12::text[])[type_index] AS log_type,
    least(floor(power(r_src, 1.6) * ($8::int[])[type_index])::int, ($8::int[])[type_index] - 1) AS slot,
    least(floor(r_alt * ($9::int[])[type_index])::int, ($9::int[])[type_index] - 1) AS alt_slot,
    CASE type_index
      WHEN 1 THEN ($10::text[])[1 + floor(r_act * array_length($10::text[], 1))::int]
      WHEN 3 THEN ($11::text[])[1 + floor(r_act * array_length($11::text[], 1))::int]
    END AS action
  FROM typed d
), picked AS MATERIALIZED (
  SELECT g.i, g.t, g.log_type, g.action, g.h, g.u, g.u2, g.ip_k, g.r_misc,
    CASE WHEN s.quiet_since IS NOT NULL AND g.t > s.quiet_since AND a.source_id IS NOT NULL THEN a ELSE s END AS src,
    date_trunc('milliseconds', g.t + make_interval(secs => 20 + g.r_misc * 100)) AS parse_time,
    pu.handle, pu.email, pu.user_id, pu2.handle AS handle2, pu2.email AS email2, pu2.user_id AS user_id2, pi.ip,
    -- Who or what the action touched: the actor themself for a sign-in, another person for an admin
    -- action (two emails then), a file, a channel or an app otherwise.
    CASE
      WHEN g.log_type <> 'Slack.AuditLogs' THEN NULL
      WHEN g.action LIKE 'file%' THEN 'file'
      WHEN g.action LIKE '%channel%' THEN 'channel'
      WHEN g.action LIKE 'app%' THEN 'app'
      WHEN g.action IN ('user_login', 'user_logout', 'user_login_failed', 'anomaly') THEN 'self'
      WHEN g.action LIKE 'user%' OR g.action LIKE 'role%' THEN 'user'
      ELSE 'workspace'
    END AS entity_kind
  FROM g
  JOIN bench_source_slots s ON s.log_type = g.log_type AND s.slot = g.slot
  LEFT JOIN bench_source_slots a ON a.log_type = g.log_type AND a.active_slot = g.alt_slot
  JOIN bench_users pu ON pu.k = g.u
  JOIN bench_users pu2 ON pu2.k = g.u2
  JOIN bench_ips pi ON pi.k = g.ip_k
), indexed AS MATERIALIZED (
  SELECT p.*, (p.src).source_id, (p.src).label, (p.src).team_id, (p.src).location_type, (p.src).location_id, (p.src).location_name, (p.src).domain,
    CASE WHEN log_type = 'Slack.IntegrationLogs' THEN ARRAY[]::text[] ELSE ARRAY[ip] END AS ips,
    CASE WHEN log_type <> 'Slack.AuditLogs' THEN ARRAY[]::text[]
         WHEN entity_kind = 'user' AND email2 <> email THEN ARRAY[least(email, email2), greatest(email, email2)]
         ELSE ARRAY[email] END AS emails,
    CASE WHEN entity_kind = 'user' AND handle2 <> handle THEN ARRAY[least(handle, handle2), greatest(handle, handle2)]
         ELSE ARRAY[handle] END AS usernames,
    substr(h, 1, 8) || '-' || substr(h, 9, 4) || '-4' || substr(h, 14, 3) || '-a' || substr(h, 18, 3) || '-' || substr(h, 21, 12) AS uuid,
    bench_iso(t) AS event_time_text, bench_iso_ms(parse_time) AS parse_time_text, md5(h) AS row_id
  FROM picked p
)
INSERT INTO events (p_source_id, p_source_label, p_log_type, p_row_id, p_event_time, p_parse_time, p_any_ip_addresses,
                    p_any_emails, p_any_usernames, dedupe_key, event, action)
SELECT source_id, label, log_type, row_id, t, parse_time, ips, emails, usernames,
  CASE WHEN log_type = 'Slack.AuditLogs' THEN uuid ELSE h END,
  CASE log_type
    WHEN 'Slack.AuditLogs' THEN jsonb_build_object(
      'id', uuid,
      'date_create', event_time_text,
      'action', action,
      'actor', jsonb_build_object('type', 'user', 'user', jsonb_build_object('id', user_id, 'name', handle, 'email', email, 'team', team_id)),
      'entity', CASE entity_kind
        WHEN 'file' THEN jsonb_build_object('type', 'file', 'file', jsonb_build_object('id', 'F0' || upper(substr(h, 1, 9)),
          'name', (${sqlArray(FILES.map(([name]) => name!))})[1 + u2 % ${FILES.length}], 'filetype', (${sqlArray(FILES.map(([, type]) => type!))})[1 + u2 % ${FILES.length}],
          'title', (${sqlArray(FILES.map(([name]) => name!))})[1 + u2 % ${FILES.length}]))
        WHEN 'channel' THEN jsonb_build_object('type', 'channel', 'channel', jsonb_build_object('id', 'C0' || upper(lpad(to_hex(u2 % 5000), 8, '0')),
          'name', (${sqlArray(CHANNELS)})[1 + u2 % ${CHANNELS.length}], 'privacy', CASE WHEN u2 % 5 = 0 THEN 'private' ELSE 'public' END,
          'is_shared', false, 'is_org_shared', u2 % 9 = 0))
        WHEN 'app' THEN jsonb_build_object('type', 'app', 'app', jsonb_build_object('id', 'A0' || upper(lpad(to_hex(u2 % 40), 8, '0')),
          'name', (${sqlArray(APPS)})[1 + u2 % ${APPS.length}], 'is_distributed', true, 'is_directory_approved', u2 % 3 > 0,
          'is_workflow_app', false, 'scopes', jsonb_build_array('chat:write', 'channels:read')))
        WHEN 'self' THEN jsonb_build_object('type', 'user', 'user', jsonb_build_object('id', user_id, 'name', handle, 'email', email, 'team', team_id))
        WHEN 'user' THEN jsonb_build_object('type', 'user', 'user', jsonb_build_object('id', user_id2, 'name', handle2, 'email', email2, 'team', team_id))
        ELSE jsonb_build_object('type', location_type, location_type, jsonb_build_object('id', location_id, 'name', location_name, 'domain', domain))
      END,
      'context', jsonb_build_object(
        'location', jsonb_build_object('type', location_type, 'id', location_id, 'name', location_name, 'domain', domain),
        'ua', (${sqlArray(USER_AGENTS)})[1 + u % ${USER_AGENTS.length}], 'ip_address', ip, 'session_id', (1000000000000 + u * 7919 + ip_k)::text),
      'p_log_type', log_type, 'p_row_id', row_id, 'p_event_time', event_time_text, 'p_parse_time', parse_time_text,
      'p_source_id', source_id, 'p_source_label', label,
      'p_any_ip_addresses', to_jsonb(ips), 'p_any_emails', to_jsonb(emails), 'p_any_usernames', to_jsonb(usernames))
    WHEN 'Slack.AccessLogs' THEN jsonb_build_object(
      'user_id', user_id, 'username', handle,
      'date_first', bench_iso(t - make_interval(hours => floor(r_misc * 400)::int)), 'date_last', event_time_text,
      'count', 1 + floor(r_misc * 60)::int, 'ip', ip, 'user_agent', (${sqlArray(USER_AGENTS)})[1 + u % ${USER_AGENTS.length}],
      'isp', (${sqlArray(NETWORKS.map(([isp]) => isp!))})[1 + ip_k % ${NETWORKS.length}],
      'country', (${sqlArray(NETWORKS.map(([, country]) => country!))})[1 + ip_k % ${NETWORKS.length}],
      'region', (${sqlArray(NETWORKS.map(([, , region]) => region!))})[1 + ip_k % ${NETWORKS.length}],
      'p_log_type', log_type, 'p_row_id', row_id, 'p_event_time', event_time_text, 'p_parse_time', parse_time_text,
      'p_source_id', source_id, 'p_source_label', label,
      'p_any_ip_addresses', to_jsonb(ips), 'p_any_emails', to_jsonb(emails), 'p_any_usernames', to_jsonb(usernames))
    ELSE jsonb_build_object(
      'user_id', user_id, 'user_name', handle, 'app_id', 'A0' || upper(lpad(to_hex(u2 % 40), 8, '0')), 'app_type', 'app',
      'service_type', (${sqlArray(APPS)})[1 + u2 % ${APPS.length}], 'date', event_time_text, 'change_type', action,
      'scope', 'chat:write,channels:read', 'channel', CASE WHEN u2 % 4 = 0 THEN (${sqlArray(CHANNELS)})[1 + u2 % ${CHANNELS.length}] END,
      'reason', CASE WHEN action = 'removed' THEN 'user' END,
      'p_log_type', log_type, 'p_row_id', row_id, 'p_event_time', event_time_text, 'p_parse_time', parse_time_text,
      'p_source_id', source_id, 'p_source_label', label,
      'p_any_ip_addresses', to_jsonb(ips), 'p_any_emails', to_jsonb(emails), 'p_any_usernames', to_jsonb(usernames))
  END,
  action
FROM indexed`;

// Counted by receipt, as commitPage counts them: the minute and hour each event was parsed in.
const FILL_COUNTS = [
  `INSERT INTO event_counts_minute (source_id, bucket, log_type, events)
   SELECT e.p_source_id, date_trunc('minute', e.p_parse_time), e.p_log_type, count(*)::int
   FROM events e GROUP BY 1, 2, 3`,
  `INSERT INTO event_counts_hour (source_id, bucket, log_type, events)
   SELECT source_id, date_trunc('hour', bucket), log_type, sum(events)::int FROM event_counts_minute GROUP BY 1, 2, 3`,
];

// What the sources list shows as "last event": the newest event of each source, one index probe each.
const UPDATE_SOURCE_LAST_EVENT = `
UPDATE sources s SET last_event_received_at = newest.p_parse_time, last_event_time = newest.p_event_time
FROM sources s2 LEFT JOIN LATERAL (
  SELECT p_parse_time, p_event_time FROM events e WHERE e.p_source_id = s2.id ORDER BY p_event_time DESC, id DESC LIMIT 1
) newest ON true
WHERE s.id = s2.id`;

// A pull every 10 minutes per log type over the last day (the real interval is a minute; the runs
// list reads the newest few through an index, so their number matters little beyond this), failed
// from the time a source went into ERROR, none while paused.
const INSERT_PULL_RUNS = `
INSERT INTO pull_runs (id, source_id, log_type, trigger, attempt, worker_id, started_at, finished_at, window_oldest, window_latest,
                       pages, fetched, stored, duplicates, failures, outcome, error_code, error)
SELECT 'cbrun' || md5(s.id || lt || n::text), s.id, lt, 'SCHEDULED'::"PullTrigger", 1, 'bench-worker',
  started, started + make_interval(secs => 1 + n % 7), started - interval '11 minutes', started - interval '1 minute',
  CASE WHEN is_failed THEN 0 ELSE 1 END, CASE WHEN is_failed THEN 0 ELSE 40 + n % 300 END, CASE WHEN is_failed THEN 0 ELSE 30 + n % 200 END,
  CASE WHEN is_failed THEN 0 ELSE n % 11 END, 0,
  CASE WHEN is_failed THEN 'FAILED' ELSE 'SUCCEEDED' END::"PullOutcome",
  CASE WHEN is_failed THEN s.error_code END, CASE WHEN is_failed THEN s.error_detail END
FROM sources s CROSS JOIN LATERAL unnest(s.log_types) AS lt
CROSS JOIN LATERAL generate_series(0, 143) AS n
CROSS JOIN LATERAL (SELECT $1::timestamptz - make_interval(mins => 10 * n) AS started) AS tick
CROSS JOIN LATERAL (SELECT s.error_since IS NOT NULL AND tick.started >= s.error_since AS is_failed) AS f
WHERE s.paused_at IS NULL OR tick.started < s.paused_at`;

// A few sources have records Slack sent that did not fit their schema, some within the last hour
// (which the health check counts).
const INSERT_CLASSIFICATION_FAILURES = `
INSERT INTO classification_failures (id, source_id, log_type, field, reason, payload, payload_hash, received_at)
SELECT 'cbfail' || md5(s.id || n::text), s.id, s.log_types[1], 'date_create',
  'date_create: expected timestamp (unix), got string "yesterday"',
  '{"id":"' || md5(s.id || n::text) || '","date_create":"yesterday","action":"user_login"}',
  encode(sha256(convert_to(s.id || n::text, 'UTF8')), 'hex'),
  $1::timestamptz - make_interval(mins => n * 37)
FROM sources s CROSS JOIN generate_series(1, 1 + (hashtext(s.id) & 3)) AS n
WHERE hashtext(s.id) % 40 = 0`;

const INSERT_ALARM_HISTORY = `
INSERT INTO alarm_history (id, source_id, at, kind, from_state, to_state, quiet_since, threshold_minutes, recipients)
SELECT 'cbalarm' || md5(s.id), s.id, s.alarm_state_since, 'alarm', 'OK'::"AlarmState", 'ALARM'::"AlarmState",
  s.alarm_state_since - make_interval(mins => s.alarm_threshold_minutes), s.alarm_threshold_minutes, s.alarm_recipients
FROM sources s WHERE s.alarm_state = 'ALARM'`;

type IndexDefinition = { name: string; definition: string };

async function connect(databaseUrl: string): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: databaseUrl });
  client.on("error", () => {});
  await client.connect();
  // A bulk load that can be redone from scratch: no need to wait for each commit to reach disk.
  await client.query("SET synchronous_commit = off");
  await client.query("SET work_mem = '256MB'");
  await client.query("SET maintenance_work_mem = '1GB'");
  await client.query("SET jit = off");
  // The seed is consistent by construction (bench/seed.test.ts checks it); checking each of millions
  // of count rows' foreign key one by one would take longer than computing them. Needs a superuser,
  // which the bench's local Postgres is; without one the checks just run.
  await client.query("SET session_replication_role = replica").catch(() => {});
  await client.query("SET TimeZone = 'UTC'");
  await client.query("SET DateStyle = 'ISO, YMD'");
  // The generator's joins are against small tables but estimated at a few hundred rows, so the
  // planner would probe their indexes once per event; hash joins are several times faster here.
  await client.query("SET enable_nestloop = off");
  return client;
}

/** The events indexes a bulk load would otherwise maintain row by row; constraint-backed ones (the key) stay. */
async function readDroppableEventIndexes(client: pg.Client): Promise<IndexDefinition[]> {
  const { rows } = await client.query<{ name: string; definition: string }>(
    `SELECT c.relname AS name, pg_get_indexdef(i.indexrelid) AS definition
     FROM pg_index i
     JOIN pg_class c ON c.oid = i.indexrelid
     JOIN pg_class t ON t.oid = i.indrelid
     JOIN pg_namespace n ON n.oid = t.relnamespace
     WHERE t.relname = 'events' AND n.nspname = current_schema()
       AND NOT EXISTS (SELECT 1 FROM pg_constraint con WHERE con.conindid = i.indexrelid)
     ORDER BY c.relname`,
  );
  return rows;
}

/** Runs tasks on `workers` connections at once, each task on whichever connection is free next. */
async function runOnConnections<T>(clients: pg.Client[], tasks: T[], run: (client: pg.Client, task: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    clients.map(async (client) => {
      while (next < tasks.length) {
        const task = tasks[next++]!;
        await run(client, task);
      }
    }),
  );
}

function logTypeThresholds(slotCounts: Record<LogType, number>): [number, number] {
  // Shares among the log types that have a source at all, so a tiny seed still gets every event.
  const present = LOG_TYPES.filter((type) => slotCounts[type] > 0);
  const total = present.reduce((sum, type) => sum + LOG_TYPE_SHARES[type], 0);
  const share = (type: LogType) => (slotCounts[type] > 0 ? LOG_TYPE_SHARES[type] / total : 0);
  const audit = share("Slack.AuditLogs");
  return [audit, audit + share("Slack.AccessLogs")];
}

/**
 * Seeds an empty, migrated database with sources, events and what the dashboard reads beside them.
 * Creates its helpers (functions, a slot table) and removes them again.
 */
export async function seedDashboard(databaseUrl: string, options: DashboardSeedOptions): Promise<DashboardSeedSummary> {
  const log = options.log ?? (() => {});
  const anchor = options.anchor ?? new Date();
  const spanSeconds = (options.days ?? 30) * 86_400;
  // About twenty statements whatever the size: progress to print, and work for every connection.
  const chunkSize = options.chunkSize ?? Math.min(500_000, Math.max(10_000, Math.ceil(options.events / 20)));
  const parallelism = Math.max(1, options.parallelism ?? Math.min(availableParallelism(), 4));
  const startedAt = Date.now();
  const steps: DashboardSeedSummary["steps"] = [];
  const step = async <T>(name: string, run: () => Promise<T>): Promise<T> => {
    const stepStartedAt = Date.now();
    const result = await run();
    const seconds = (Date.now() - stepStartedAt) / 1000;
    steps.push({ name, seconds });
    log(`  ${name}: ${seconds.toFixed(1)} s`);
    return result;
  };

  const clients = await Promise.all(Array.from({ length: parallelism }, () => connect(databaseUrl)));
  const main = clients[0]!;
  try {
    for (const statement of [...HELPER_CLEANUP, ...HELPER_FUNCTIONS]) await main.query(statement);

    await step(`${options.sources.toLocaleString("en-US")} sources`, async () => {
      await main.query(INSERT_SOURCES, [anchor, options.sources]);
      await main.query(CREATE_SLOTS);
      await main.query("ANALYZE bench_source_slots");
      for (const statement of CREATE_POOLS) await main.query(statement);
    });

    const { rows: slotRows } = await main.query<{ log_type: LogType; slots: number; active: number }>(
      "SELECT log_type, count(*)::int AS slots, count(active_slot)::int AS active FROM bench_source_slots GROUP BY log_type",
    );
    const slotCounts = Object.fromEntries(LOG_TYPES.map((type) => [type, slotRows.find((row) => row.log_type === type)?.slots ?? 0])) as Record<LogType, number>;
    const activeCounts = LOG_TYPES.map((type) => slotRows.find((row) => row.log_type === type)?.active ?? 0);
    const [auditBelow, accessBelow] = logTypeThresholds(slotCounts);

    const indexes = await readDroppableEventIndexes(main);
    await step(`events (${indexes.length} indexes dropped for the load)`, async () => {
      for (const index of indexes) await main.query(`DROP INDEX "${index.name}"`);
      const chunks: [number, number][] = [];
      for (let low = 0; low < options.events; low += chunkSize) chunks.push([low, Math.min(options.events, low + chunkSize)]);
      let loaded = 0;
      const loadStartedAt = Date.now();
      await runOnConnections(clients, chunks, async (client, [low, high]) => {
        await client.query(INSERT_EVENTS, [
          low,
          high,
          options.events,
          anchor,
          spanSeconds,
          auditBelow,
          accessBelow,
          LOG_TYPES.map((type) => slotCounts[type]),
          activeCounts,
          WEIGHTED_AUDIT_ACTIONS,
          INTEGRATION_CHANGE_TYPES,
          LOG_TYPES,
          // Makes each seed's row IDs its own while keeping them unique per event number.
          anchor.toISOString(),
        ]);
        loaded += high - low;
        const rate = loaded / Math.max(0.001, (Date.now() - loadStartedAt) / 1000);
        log(`    ${loaded.toLocaleString("en-US")} / ${options.events.toLocaleString("en-US")} events (${Math.round(rate).toLocaleString("en-US")} rows/s)`);
      });
    });

    await step("events indexes rebuilt", async () => {
      // The largest (GIN) first, so the two connections finish close together.
      const ordered = [...indexes].sort((a, b) => Number(b.definition.includes("USING gin")) - Number(a.definition.includes("USING gin")));
      await runOnConnections(clients, ordered, async (client, index) => {
        await client.query(index.definition);
      });
    });

    await step("event counts per minute and hour", async () => {
      for (const statement of FILL_COUNTS) await main.query(statement);
    });

    await step("sources' last event, pull runs, failures, alarm history", async () => {
      await main.query(UPDATE_SOURCE_LAST_EVENT);
      await main.query(INSERT_PULL_RUNS, [anchor]);
      await main.query(INSERT_CLASSIFICATION_FAILURES, [anchor]);
      await main.query(INSERT_ALARM_HISTORY);
    });

    for (const statement of HELPER_CLEANUP) await main.query(statement);
    // Planner statistics and the visibility map, as a table that autovacuum has caught up with.
    await step("VACUUM ANALYZE", async () => {
      await runOnConnections(clients, ["events", "event_counts_minute", "event_counts_hour", "sources", "pull_runs", "classification_failures", "alarm_history"], async (client, table) => {
        await client.query(`VACUUM (ANALYZE) ${table}`);
      });
    });
  } finally {
    await Promise.all(clients.map((client) => client.end().catch(() => {})));
  }
  const seconds = (Date.now() - startedAt) / 1000;
  const loadStep = steps.find((entry) => entry.name.startsWith("events ("));
  return { seconds, steps, eventsPerSecond: loadStep ? options.events / loadStep.seconds : 0 };
}
