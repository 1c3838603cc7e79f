import { createRandom, type Random } from "@/emulator/random";
import type { AuditEntry } from "@/emulator/state";
import { NETWORKS, USER_AGENTS, usersOfEnterprise, type Channel, type User, type Workspace, type World } from "@/emulator/world";

// What an audit event says: actions in a realistic mix, actors and entities from the seeded world,
// context and details in the shapes (and with the type quirks) of reference §1.3 and §1.6. Shared by
// stored events, traffic and bulk mode (emulator/audit.ts).

// ---------------------------------------------------------------------------------------------
// Event content

type UserRef = { id: string; name: string; email: string; team: string };
type Location = { type: "enterprise" | "workspace"; id: string; name: string; domain: string };
export type Entity = { type: string } & Record<string, unknown>;
type AppRef = {
  id: string;
  name: string;
  is_distributed: boolean;
  is_directory_approved: boolean;
  is_workflow_app: boolean;
  scopes: string[];
  scopes_bot: string[];
  creator: string;
  team: string;
};
type Connection = { ip: string; ua: string };

/** What an action's builder decides; the context (device, session) is filled in around it. */
type Draft = {
  actor: UserRef;
  /** The person behind the actor, whose devices supply ua and ip; null for Slack's own actors. */
  actorUser: User | null;
  entity: Entity;
  location: Location;
  details?: Record<string, unknown>;
  /** Present when an app acted: the event then carries context.app and no session (reference §1.3). */
  app?: AppRef;
  /** Overrides the actor's usual device, e.g. a failed sign-in from somewhere new. */
  connection?: Connection;
};

/** The world's people and places as audit events name them, computed once per world. */
export type Cast = {
  world: World;
  members: User[];
  admins: User[];
  guests: User[];
  membersByTeam: Map<string, User[]>;
  workspaces: Map<string, Workspace>;
  gridWorkspaces: Workspace[];
  apps: AppRef[];
  enterprise: Location;
};

type Builder = (random: Random, cast: Cast, action: string, dateCreate: number) => Draft;

const ORG_APPS = [
  { name: "Google Drive", scopes: [], bot: ["links:read", "links:write", "chat:write", "files:read"], isDirectoryApproved: true },
  { name: "Zoom", scopes: ["users:read", "users:read.email"], bot: ["commands", "chat:write", "users:read"], isDirectoryApproved: true },
  { name: "Jira Cloud", scopes: ["links:read"], bot: ["chat:write", "links:read", "links:write", "commands"], isDirectoryApproved: true },
  { name: "PagerDuty", scopes: [], bot: ["incoming-webhook", "commands", "chat:write"], isDirectoryApproved: true },
  { name: "Okta", scopes: ["admin", "users:read"], bot: [], isDirectoryApproved: true },
  { name: "Donut", scopes: [], bot: ["channels:manage", "chat:write", "im:write", "mpim:write", "users:read"], isDirectoryApproved: true },
  // Internal tools are not distributed and not in the directory.
  { name: "Channel Spinner App", scopes: [], bot: ["channels:manage", "groups:write", "im:write", "mpim:write"], isDirectoryApproved: false },
  { name: "Security Bot", scopes: ["auditlogs:read"], bot: ["chat:write", "channels:read"], isDirectoryApproved: false },
] as const;

const FILES = [
  ["Q3 board deck.pdf", "pdf"],
  ["customer-export-2024.csv", "csv"],
  ["architecture-overview.png", "png"],
  ["payroll_march.xlsx", "xlsx"],
  ["incident-1432-timeline.docx", "docx"],
  ["Screenshot 2024-10-02 at 14.11.03.png", "png"],
  ["vpn-config.ovpn", "text"],
  ["contract_signed.pdf", "pdf"],
  ["roadmap-2025.key", "key"],
  ["db-dump.sql.gz", "gzip"],
  ["onboarding.mp4", "mp4"],
  ["notes.md", "markdown"],
] as const;

const CHANNEL_PREFIXES = ["proj", "team", "ext", "inc", "help", "temp", "feat"];
const CHANNEL_TOPICS = ["atlas", "billing", "migration", "q4-launch", "sso-rollout", "acme-partners", "pricing", "hiring", "outage-0612", "soc2"];
const EMOJI = ["partyparrot", "shipit", "this-is-fine", "lgtm", "blobwave", "catjam", "northwind", "sadpanda"];
const WORKFLOWS = ["Access request", "New hire checklist", "Incident intake", "Expense approval", "PTO request"];
const ANOMALY_REASONS = ["asn", "excessive_downloads", "excessive_file_shares", "ip_address", "session_fingerprint", "spoofed_user_agent", "tor", "unexpected_admin_action", "unexpected_api_call_volume", "unexpected_client", "unexpected_scraping", "unexpected_user_agent", "user_agent"];
const REGIONS: Record<string, string> = { US: "California, US", DE: "Berlin, DE", GB: "England, GB", FR: "Île-de-France, FR", CA: "Ontario, CA", JP: "Tokyo, JP", AU: "New South Wales, AU", IN: "Maharashtra, IN" };

const userRef = (user: User): UserRef => ({ id: user.id, name: user.realName, email: user.email, team: user.teamId });
// Who acts when nobody did (reference §1.3); the name, email and team Slack puts beside these IDs are UNCONFIRMED.
const slackSecurity = (cast: Cast): UserRef => ({ id: "USLACKSECURITY", name: "Slack Security", email: "", team: cast.world.enterprise.id });
const noActor = (cast: Cast): UserRef => ({ id: "USLACKUSER", name: "Slack", email: "", team: cast.world.enterprise.id });

const workspaceLocation = (workspace: Workspace): Location => ({ type: "workspace", id: workspace.id, name: workspace.name, domain: workspace.domain });
const workspaceOf = (cast: Cast, user: User): Workspace => cast.workspaces.get(user.teamId) ?? cast.gridWorkspaces[0]!;
const channelEntity = (channel: Channel, random: Random): Entity => ({
  type: "channel",
  channel: { id: channel.id, privacy: channel.privacy, name: channel.name, is_shared: false, is_org_shared: random.chance(0.1) },
});
const appEntity = (app: AppRef): Entity => ({
  type: "app",
  app: { id: app.id, name: app.name, is_distributed: app.is_distributed, is_directory_approved: app.is_directory_approved, is_workflow_app: app.is_workflow_app, scopes: app.scopes, bot_scopes: app.scopes_bot },
});

/** An address from a network the person has not used: a failed sign-in or an anomaly. */
function unfamiliarConnection(random: Random): Connection {
  const network = random.pick(NETWORKS);
  return { ip: `${network.prefix}${random.int(1, 254)}.${random.int(1, 254)}`, ua: random.pick(USER_AGENTS) };
}

const casts = new WeakMap<World, Cast>();

export function castOf(world: World): Cast {
  const known = casts.get(world);
  if (known) return known;
  const members = usersOfEnterprise(world);
  const gridWorkspaces = world.workspaces.filter((workspace) => workspace.enterpriseId === world.enterprise.id);
  const random = createRandom(`${world.seed}`).fork("audit-apps");
  const admins = members.filter((user) => user.role === "primary_owner" || user.role === "admin");
  const apps = ORG_APPS.map((app, index) => ({
    id: `A0${random.idChars(9)}`,
    name: app.name,
    is_distributed: app.isDirectoryApproved,
    is_directory_approved: app.isDirectoryApproved,
    is_workflow_app: false,
    scopes: [...app.scopes],
    scopes_bot: [...app.bot],
    creator: admins[index % admins.length]!.id,
    team: gridWorkspaces[index % gridWorkspaces.length]!.id,
  }));
  const cast: Cast = {
    world,
    members,
    admins,
    guests: members.filter((user) => user.role === "guest"),
    membersByTeam: new Map(gridWorkspaces.map((workspace) => [workspace.id, members.filter((user) => user.teamId === workspace.id)])),
    workspaces: new Map(gridWorkspaces.map((workspace) => [workspace.id, workspace])),
    gridWorkspaces,
    apps,
    enterprise: { type: "enterprise", id: world.enterprise.id, name: world.enterprise.name, domain: world.enterprise.domain },
  };
  casts.set(world, cast);
  return cast;
}

const pickMember = (random: Random, cast: Cast): User => random.pick(cast.members);
const pickGuestOrMember = (random: Random, cast: Cast): User => (cast.guests.length ? random.pick(cast.guests) : pickMember(random, cast));

const buildSignIn: Builder = (random, cast, action) => {
  const user = random.chance(0.05) ? pickGuestOrMember(random, cast) : pickMember(random, cast);
  // Sign-ins and sign-outs are recorded against the org, as in the documented example (reference §1.3).
  const draft: Draft = { actor: userRef(user), actorUser: user, entity: { type: "user", user: userRef(user) }, location: cast.enterprise };
  if (action === "user_login_failed" && random.chance(0.6)) draft.connection = unfamiliarConnection(random);
  return draft;
};

const buildAdminOnUser: Builder = (random, cast, action) => {
  const target = action === "guest_expired" ? pickGuestOrMember(random, cast) : pickMember(random, cast);
  if (action === "guest_expired") return { actor: noActor(cast), actorUser: null, entity: { type: "user", user: userRef(target) }, location: cast.enterprise };
  // When Slack's security team resets credentials the actor is USLACKSECURITY (reference §1.2).
  if (action === "user_session_reset_by_admin" && random.chance(0.3)) {
    return { actor: slackSecurity(cast), actorUser: null, entity: { type: "user", user: userRef(target) }, location: cast.enterprise };
  }
  const admin = random.pick(cast.admins);
  return { actor: userRef(admin), actorUser: admin, entity: { type: "user", user: userRef(target) }, location: cast.enterprise };
};

const buildFile: Builder = (random, cast, action) => {
  const user = pickMember(random, cast);
  const workspace = workspaceOf(cast, user);
  const [name, filetype] = random.pick(FILES);
  const draft: Draft = {
    actor: userRef(user),
    actorUser: user,
    entity: { type: "file", file: { id: `F0${random.idChars(9)}`, name, filetype, title: name } },
    location: workspaceLocation(workspace),
  };
  if (action === "file_shared") draft.details = { channel_id: random.pick(workspace.channels).id };
  return draft;
};

const buildChannelMembership: Builder = (random, cast, action) => {
  const user = action.startsWith("guest_") ? pickGuestOrMember(random, cast) : pickMember(random, cast);
  const workspace = workspaceOf(cast, user);
  const draft: Draft = { actor: userRef(user), actorUser: user, entity: channelEntity(random.pick(workspace.channels), random), location: workspaceLocation(workspace) };
  if (action.endsWith("_join") && random.chance(0.3)) draft.details = { inviter: { type: "user", user: userRef(pickMember(random, cast)) } };
  if (action.endsWith("_leave") && random.chance(0.2)) draft.details = { kicker: { type: "user", user: userRef(random.pick(cast.admins)) } };
  return draft;
};

const buildChannelChange: Builder = (random, cast, action) => {
  const workspace = random.pick(cast.gridWorkspaces);
  const isNew = action.endsWith("_created");
  const channel: Channel = isNew
    ? { id: `C0${random.idChars(9)}`, name: `${random.pick(CHANNEL_PREFIXES)}-${random.pick(CHANNEL_TOPICS)}`, privacy: action.startsWith("private") ? "private" : "public" }
    : random.pick(workspace.channels);
  const location = workspaceLocation(workspace);
  // Apps with channels:manage create channels too; those events name the app and its installer.
  const channelApps = cast.apps.filter((app) => app.scopes_bot.includes("channels:manage"));
  if (isNew && channelApps.length && random.chance(0.25)) {
    const app = random.pick(channelApps);
    const installer = cast.members.find((user) => user.id === app.creator) ?? random.pick(cast.admins);
    return { actor: userRef(installer), actorUser: installer, entity: channelEntity(channel, random), location, app };
  }
  const members = cast.membersByTeam.get(workspace.id) ?? cast.members;
  const user = random.pick(members);
  const renamed = action === "channel_renamed" ? { ...channel, name: `${channel.name}-${random.pick(["old", "2025", "archive", "v2"])}` } : channel;
  return { actor: userRef(user), actorUser: user, entity: channelEntity(renamed, random), location };
};

const buildAppChange: Builder = (random, cast, action) => {
  const admin = random.pick(cast.admins);
  const app = random.pick(cast.apps);
  const isOrgLevel = action.startsWith("org_app");
  const location = isOrgLevel ? cast.enterprise : workspaceLocation(random.pick(cast.gridWorkspaces));
  let details: Record<string, unknown> | undefined;
  if (action === "app_installed" || action === "org_app_workspace_added") {
    details = { app_owner_id: app.creator, scopes: app.scopes, bot_scopes: app.scopes_bot, is_internal_integration: !app.is_distributed, is_token_rotation_enabled_app: false, granular_bot_token: true };
  } else if (action === "app_scopes_expanded") {
    details = { new_scopes: [...app.scopes_bot, random.pick(["users:read.email", "files:read", "channels:history", "reactions:write"])], previous_scopes: app.scopes_bot, is_internal_integration: !app.is_distributed };
  } else if (action === "app_approved") {
    details = { approver_id: admin.id, app_previously_approved: random.chance(0.2) };
  }
  return { actor: userRef(admin), actorUser: admin, entity: appEntity(app), location, details };
};

const buildEmoji: Builder = (random, cast) => {
  const user = pickMember(random, cast);
  const workspace = workspaceOf(cast, user);
  return { actor: userRef(user), actorUser: user, entity: { type: "workspace", workspace: { id: workspace.id, name: workspace.name, domain: workspace.domain } }, location: workspaceLocation(workspace), details: { name: random.pick(EMOJI) } };
};

const PREF_VALUES: Record<string, readonly [unknown, unknown]> = {
  "pref.sso_setting_changed": ["optional", "required"],
  "pref.two_factor_auth_changed": ["optional", "required"],
  "pref.session_duration_changed": [720, 168],
};

const buildOrgSetting: Builder = (random, cast, action, dateCreate) => {
  const admin = random.pick(cast.admins);
  const entity: Entity = { type: "enterprise", enterprise: { id: cast.enterprise.id, name: cast.enterprise.name, domain: cast.enterprise.domain } };
  const draft: Draft = { actor: userRef(admin), actorUser: admin, entity, location: cast.enterprise };
  const values = PREF_VALUES[action];
  if (values) {
    const [before, after] = random.chance(0.8) ? values : [values[1], values[0]];
    draft.details = { previous_value: before, new_value: after };
  } else if (action === "manual_export_started") {
    // Export bounds are strings, unlike date_create (java-slack-sdk sample, reference §1.3).
    draft.details = { export_type: random.pick(["standard", "corporate"]), export_start_ts: String(dateCreate - 90 * 86_400), export_end_ts: String(dateCreate) };
  }
  return draft;
};

const buildAnomaly: Builder = (random, cast, _action, dateCreate) => {
  const user = pickMember(random, cast);
  const usual = random.pick(cast.world.devices.get(user.id) ?? []);
  const connection = unfamiliarConnection(random);
  const network = NETWORKS.find((candidate) => connection.ip.startsWith(candidate.prefix));
  const reasons = [random.pick(ANOMALY_REASONS), ...(random.chance(0.3) ? [random.pick(ANOMALY_REASONS)] : [])];
  return {
    actor: userRef(user),
    actorUser: user,
    entity: { type: "user", user: userRef(user) },
    location: cast.enterprise,
    connection,
    details: {
      // Microseconds, unlike every other timestamp in the event (reference §1.3).
      action_timestamp: dateCreate * 1_000_000 + random.int(0, 999_999),
      location: (network && REGIONS[network.country]) ?? "",
      previous_ip_address: usual?.ip ?? "",
      previous_ua: usual?.userAgent ?? "",
      reason: [...new Set(reasons)],
      ip_address_details: [{ ip_address: connection.ip, location: (network && REGIONS[network.country]) ?? "", is_tor: reasons.includes("tor") }],
    },
  };
};

const buildMessageRemoval: Builder = (random, cast, _action, dateCreate) => {
  const admin = random.pick(cast.admins);
  const workspace = random.pick(cast.gridWorkspaces);
  const posted = dateCreate - random.int(60, 30 * 86_400);
  const entity: Entity = { type: "message", message: { team: workspace.id, channel: random.pick(workspace.channels).id, timestamp: `${posted}.${String(random.int(0, 999_999)).padStart(6, "0")}` } };
  return { actor: userRef(admin), actorUser: admin, entity, location: workspaceLocation(workspace) };
};

const buildWorkflow: Builder = (random, cast) => {
  const user = pickMember(random, cast);
  return { actor: userRef(user), actorUser: user, entity: { type: "workflow", workflow: { id: `Wf0${random.idChars(9)}`, name: random.pick(WORKFLOWS) } }, location: workspaceLocation(workspaceOf(cast, user)) };
};

// Weights per thousand events: sign-ins dominate a real org's audit log, then file and channel
// activity; admin, app and security events are rare.
const ACTION_MIX: readonly { action: string; weight: number; build: Builder }[] = [
  { action: "user_login", weight: 380, build: buildSignIn },
  { action: "user_logout", weight: 60, build: buildSignIn },
  { action: "user_login_failed", weight: 25, build: buildSignIn },
  { action: "file_downloaded", weight: 130, build: buildFile },
  { action: "file_uploaded", weight: 60, build: buildFile },
  { action: "file_shared", weight: 35, build: buildFile },
  { action: "file_public_link_created", weight: 6, build: buildFile },
  { action: "file_downloaded_blocked", weight: 4, build: buildFile },
  { action: "file_deleted", weight: 8, build: buildFile },
  { action: "user_channel_join", weight: 80, build: buildChannelMembership },
  { action: "user_channel_leave", weight: 25, build: buildChannelMembership },
  { action: "guest_channel_join", weight: 5, build: buildChannelMembership },
  { action: "public_channel_created", weight: 10, build: buildChannelChange },
  { action: "private_channel_created", weight: 6, build: buildChannelChange },
  { action: "channel_renamed", weight: 3, build: buildChannelChange },
  { action: "public_channel_archive", weight: 3, build: buildChannelChange },
  { action: "app_installed", weight: 4, build: buildAppChange },
  { action: "app_scopes_expanded", weight: 3, build: buildAppChange },
  { action: "app_approved", weight: 2, build: buildAppChange },
  { action: "org_app_workspace_added", weight: 2, build: buildAppChange },
  { action: "emoji_added", weight: 12, build: buildEmoji },
  { action: "user_created", weight: 5, build: buildAdminOnUser },
  { action: "user_deactivated", weight: 2, build: buildAdminOnUser },
  { action: "user_reactivated", weight: 1, build: buildAdminOnUser },
  { action: "role_change_to_admin", weight: 1, build: buildAdminOnUser },
  { action: "user_email_updated", weight: 2, build: buildAdminOnUser },
  { action: "user_session_reset_by_admin", weight: 4, build: buildAdminOnUser },
  { action: "user_session_invalidated", weight: 3, build: buildAdminOnUser },
  { action: "guest_expired", weight: 1, build: buildAdminOnUser },
  { action: "anomaly", weight: 6, build: buildAnomaly },
  { action: "manual_export_started", weight: 1, build: buildOrgSetting },
  { action: "pref.sso_setting_changed", weight: 1, build: buildOrgSetting },
  { action: "pref.two_factor_auth_changed", weight: 1, build: buildOrgSetting },
  { action: "pref.session_duration_changed", weight: 1, build: buildOrgSetting },
  { action: "message_tombstoned", weight: 2, build: buildMessageRemoval },
  { action: "workflow_published", weight: 2, build: buildWorkflow },
];
const ACTION_WEIGHTS = ACTION_MIX.map((entry) => entry.weight);

/** session_id's type is not stable: a string, a number or null (reference §1.3). */
function sessionIdOf(random: Random): string | number | null {
  const roll = random.next();
  if (roll < 0.06) return null;
  if (roll < 0.18) return random.int(1_600_000_000_000, 1_760_000_000_000);
  return String(random.int(100_000_000_000, 999_999_999_999));
}

function contextOf(random: Random, cast: Cast, draft: Draft): Record<string, unknown> {
  const device = draft.actorUser ? random.pick(cast.world.devices.get(draft.actorUser.id) ?? []) : undefined;
  const connection = draft.connection ?? (device ? { ip: device.ip, ua: device.userAgent } : { ip: "", ua: "" });
  // Elastic had to handle an empty context.ip_address (reference §1.3).
  const ip = random.chance(0.015) ? "" : connection.ip;
  const context: Record<string, unknown> = { location: draft.location, ua: connection.ua, session_id: draft.app || !draft.actorUser ? null : sessionIdOf(random), ip_address: ip };
  if (draft.app) context.app = draft.app;
  return context;
}

export const formatUuid = (hex: string) => `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;

/** The action is the first draw, so that bulk mode can filter on it without building the event. */
export const pickAction = (random: Random) => random.weighted(ACTION_MIX, ACTION_WEIGHTS);
export const storedId = (random: Random) => formatUuid(random.hex(32));

export function composeEntry(random: Random, cast: Cast, dateCreate: number, makeId: (random: Random) => string): AuditEntry {
  const { action, build } = pickAction(random);
  const id = makeId(random);
  const draft = build(random, cast, action, dateCreate);
  const entry: AuditEntry = { id, date_create: dateCreate, action, actor: { type: "user", user: draft.actor }, entity: draft.entity, context: contextOf(random, cast, draft) };
  if (draft.details) entry.details = draft.details;
  return entry;
}

