import { createRandom, type Random } from "@/emulator/random";

// The seeded world the emulator serves: one Enterprise Grid org with two workspaces, a workspace on
// a paid plan and one on the free plan, with people, devices and networks that look like a real
// company's. Everything derives from the seed, so the same seed gives the same IDs every run.

export type Plan = "enterprise" | "paid" | "free";
export type Role = "primary_owner" | "owner" | "admin" | "user" | "guest";

export type Enterprise = { id: string; name: string; domain: string; workspaceIds: string[] };
export type Workspace = { id: string; name: string; domain: string; enterpriseId: string | null; plan: Plan; channels: Channel[] };
export type Channel = { id: string; name: string; privacy: "public" | "private" };
export type User = {
  id: string;
  teamId: string;
  enterpriseId: string | null;
  /** Slack handle, as `username` in access logs. */
  name: string;
  realName: string;
  email: string;
  role: Role;
  isDeactivated: boolean;
};
/** Where and how a person connects: one (IP, user agent) combination in access logs. */
export type Device = { ip: string; userAgent: string; isp: string | null; country: string | null; region: string | null };
export type Integration = { kind: "service" | "app"; id: string; name: string; scope: string; channel: string | null };

export type World = {
  seed: number | string;
  enterprise: Enterprise;
  workspaces: Workspace[];
  users: User[];
  devices: Map<string, Device[]>;
  integrations: Map<string, Integration[]>;
};

const FIRST_NAMES = ["Ada", "Amir", "Anna", "Ben", "Carla", "Chen", "Dmitri", "Elena", "Emeka", "Fatima", "Felix", "Grace", "Hana", "Hiro", "Ines", "Isaac", "Jonas", "Julia", "Kai", "Kemal", "Lars", "Leila", "Liam", "Lucia", "Maya", "Mei", "Mohammed", "Nadia", "Noah", "Olga", "Omar", "Priya", "Quinn", "Rafael", "Rosa", "Sam", "Sofia", "Tariq", "Tomas", "Uma", "Victor", "Wen", "Yara", "Yusuf", "Zoe"];
const LAST_NAMES = ["Abadi", "Andersen", "Bauer", "Costa", "Dubois", "Eriksson", "Fischer", "Garcia", "Haddad", "Ito", "Jensen", "Kaur", "Kowalski", "Lindqvist", "Martin", "Moreau", "Nakamura", "Novak", "Okafor", "Olsen", "Patel", "Petrov", "Quintero", "Rossi", "Santos", "Schmidt", "Silva", "Tanaka", "Umarov", "Varga", "Weber", "Xu", "Yilmaz", "Zhang"];

// Real networks with a plausible address block each; ISP, country and region are what Slack's
// geolocation shows for them.
export const NETWORKS = [
  { isp: "Comcast Cable Communications", country: "US", region: "CA", prefix: "73.162." },
  { isp: "Verizon Fios", country: "US", region: "NY", prefix: "72.229." },
  { isp: "AT&T Internet Services", country: "US", region: "TX", prefix: "99.45." },
  { isp: "Charter Communications", country: "US", region: "WA", prefix: "174.21." },
  { isp: "Amazon.com, Inc.", country: "US", region: "VA", prefix: "3.236." },
  { isp: "Deutsche Telekom AG", country: "DE", region: "BE", prefix: "91.64." },
  { isp: "British Telecommunications PLC", country: "GB", region: "ENG", prefix: "86.128." },
  { isp: "Orange S.A.", country: "FR", region: "IDF", prefix: "90.48." },
  { isp: "Bell Canada", country: "CA", region: "ON", prefix: "174.88." },
  { isp: "NTT Communications Corporation", country: "JP", region: "13", prefix: "153.156." },
  { isp: "Telstra Corporation", country: "AU", region: "NSW", prefix: "101.160." },
  { isp: "Reliance Jio Infocomm", country: "IN", region: "MH", prefix: "49.36." },
] as const;

export const USER_AGENTS = [
  "SlackWeb Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/129.0.0.0 Safari/537.36",
  "SlackWeb Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/129.0.0.0 Safari/537.36 Edg/129.0.0.0",
  "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Slack/4.41.97 Chrome/128.0.6613.186 Electron/32.2.0 Safari/537.36 AppStore Sonic",
  "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Slack/4.41.97 Chrome/128.0.6613.186 Electron/32.2.0 Safari/537.36 Sonic",
  "com.tinyspeck.chatlyio/24.10.10 (iPhone; iOS 18.0.1; Scale/3.00)",
  "Slack/24.10.10.0 (Linux; U; Android 14; Pixel 8 Build/AP2A.240905.003)",
  "SlackWeb Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/129.0.0.0 Safari/537.36",
  "Python/3.12 aiohttp/3.10.5 slack_sdk/3.33.1",
];

const SERVICES = [
  { name: "Google Calendar", scope: "incoming-webhook" },
  { name: "Airbrake", scope: "incoming-webhook" },
  { name: "GitHub", scope: "incoming-webhook,commands" },
  { name: "Jira Cloud", scope: "chat:write,links:read,links:write" },
  { name: "PagerDuty", scope: "incoming-webhook,commands" },
  { name: "Zoom", scope: "commands,chat:write,users:read" },
  { name: "Datadog", scope: "incoming-webhook,chat:write" },
  { name: "Outgoing WebHooks", scope: "incoming-webhook" },
];

const CHANNEL_NAMES = ["general", "random", "engineering", "security-alerts", "incidents", "sales", "support", "design", "announcements", "it-help", "soc", "finance"];

type Builder = { random: Random; usedIds: Set<string> };

function uniqueId(builder: Builder, prefix: string, length: number): string {
  for (;;) {
    const id = `${prefix}${builder.random.idChars(length)}`;
    if (!builder.usedIds.has(id)) {
      builder.usedIds.add(id);
      return id;
    }
  }
}

function makeChannels(builder: Builder, count: number): Channel[] {
  return CHANNEL_NAMES.slice(0, count).map((name) => ({ id: uniqueId(builder, "C", 10), name, privacy: name === "soc" || name === "finance" ? "private" : "public" }));
}

function makeUsers(builder: Builder, options: { count: number; teamIds: string[]; enterpriseId: string | null; domain: string; idPrefix: "W" | "U" }): User[] {
  const users: User[] = [];
  const usedHandles = new Set<string>();
  for (let index = 0; index < options.count; index += 1) {
    const first = builder.random.pick(FIRST_NAMES);
    const last = builder.random.pick(LAST_NAMES);
    let handle = `${first}.${last}`.toLowerCase();
    for (let suffix = 2; usedHandles.has(handle); suffix += 1) handle = `${first}.${last}${suffix}`.toLowerCase();
    usedHandles.add(handle);
    const role: Role = index === 0 ? "primary_owner" : index < 3 ? "admin" : builder.random.chance(0.04) ? "guest" : "user";
    users.push({
      id: uniqueId(builder, options.idPrefix, 10),
      teamId: options.teamIds[index % options.teamIds.length]!,
      enterpriseId: options.enterpriseId,
      name: handle,
      realName: `${first} ${last}`,
      email: `${handle}@${options.domain}`,
      role,
      isDeactivated: false,
    });
  }
  return users;
}

function makeDevices(builder: Builder, user: User): Device[] {
  // Most people use a laptop and a phone from one or two networks; a few travel or use a VPN.
  const count = builder.random.weighted([1, 2, 3, 4], [3, 5, 2, 1]);
  const home = builder.random.weighted([...NETWORKS], [6, 4, 4, 3, 1, 3, 3, 2, 2, 2, 1, 1]);
  return Array.from({ length: count }, (_, index) => {
    const network = index === 0 || builder.random.chance(0.6) ? home : builder.random.pick(NETWORKS);
    const isIpv6 = network.country === "US" && builder.random.chance(0.15);
    const ip = isIpv6
      ? `2601:646:${builder.random.hex(4)}:${builder.random.hex(4)}::${builder.random.hex(3)}`
      : `${network.prefix}${builder.random.int(1, 254)}.${builder.random.int(1, 254)}`;
    // Slack cannot always place an address: region and ISP are null now and then.
    const isLocated = !builder.random.chance(0.03);
    return {
      ip,
      userAgent: builder.random.pick(USER_AGENTS.slice(0, user.role === "admin" || user.role === "primary_owner" ? USER_AGENTS.length : -1)),
      isp: isLocated ? network.isp : null,
      country: isLocated ? network.country : null,
      region: isLocated ? network.region : null,
    };
  });
}

function makeIntegrations(builder: Builder, workspace: Workspace): Integration[] {
  return SERVICES.map((service, index) => ({
    kind: index % 3 === 2 ? ("app" as const) : ("service" as const),
    // Service IDs are numeric strings; Slack sends them as numbers or strings (see the reference).
    id: index % 3 === 2 ? uniqueId(builder, "A0", 9) : String(builder.random.int(1_000_000_000, 9_999_999_999)),
    name: service.name,
    scope: service.scope,
    channel: builder.random.chance(0.7) ? builder.random.pick(workspace.channels).id : null,
  }));
}

export function createWorld(seed: number | string, options: { gridUsers?: number } = {}): World {
  const builder: Builder = { random: createRandom(seed).fork("world"), usedIds: new Set() };
  const enterpriseId = uniqueId(builder, "E", 10);
  const grid: Workspace[] = [
    { id: uniqueId(builder, "T", 10), name: "Northwind Engineering", domain: "northwind-eng", enterpriseId, plan: "enterprise", channels: makeChannels(builder, 12) },
    { id: uniqueId(builder, "T", 10), name: "Northwind Sales", domain: "northwind-sales", enterpriseId, plan: "enterprise", channels: makeChannels(builder, 9) },
  ];
  const enterprise: Enterprise = { id: enterpriseId, name: "Northwind Traders", domain: "northwind", workspaceIds: grid.map((workspace) => workspace.id) };
  const paid: Workspace = { id: uniqueId(builder, "T", 10), name: "Globex", domain: "globex", enterpriseId: null, plan: "paid", channels: makeChannels(builder, 10) };
  const free: Workspace = { id: uniqueId(builder, "T", 10), name: "Initech Hobby Club", domain: "initech-hobby", enterpriseId: null, plan: "free", channels: makeChannels(builder, 4) };
  const users = [
    ...makeUsers(builder, { count: options.gridUsers ?? 320, teamIds: grid.map((workspace) => workspace.id), enterpriseId, domain: "northwindtraders.com", idPrefix: "W" }),
    ...makeUsers(builder, { count: 64, teamIds: [paid.id], enterpriseId: null, domain: "globex.com", idPrefix: "U" }),
    ...makeUsers(builder, { count: 14, teamIds: [free.id], enterpriseId: null, domain: "initech.org", idPrefix: "U" }),
  ];
  // The primary owner of the grid owns the organization (the audit-log token's owner).
  const workspaces = [...grid, paid, free];
  return {
    seed,
    enterprise,
    workspaces,
    users,
    devices: new Map(users.map((user) => [user.id, makeDevices(builder, user)])),
    integrations: new Map(workspaces.map((workspace) => [workspace.id, makeIntegrations(builder, workspace)])),
  };
}

export function findWorkspace(world: World, teamId: string): Workspace | undefined {
  return world.workspaces.find((workspace) => workspace.id === teamId);
}

/** Workspaces with access and integration logs: every plan but the free one. */
export function workspacesWithLogs(world: World): Workspace[] {
  return world.workspaces.filter((workspace) => workspace.plan !== "free");
}

export function findUser(world: World, userId: string): User | undefined {
  return world.users.find((user) => user.id === userId);
}

/** People of a workspace; on the grid, users of the whole org belong to every workspace they are in. */
export function usersOfTeam(world: World, teamId: string): User[] {
  return world.users.filter((user) => user.teamId === teamId);
}

export function usersOfEnterprise(world: World): User[] {
  return world.users.filter((user) => user.enterpriseId === world.enterprise.id);
}

/** The org owner (grid) or primary owner (workspace): whoever installs Tributary's app. */
export function ownerOf(world: World, scope: { enterpriseId: string } | { teamId: string }): User {
  // A grid workspace's owner is the org's primary owner; the org has one, as each standalone workspace does.
  const enterpriseId = "enterpriseId" in scope ? scope.enterpriseId : findWorkspace(world, scope.teamId)?.enterpriseId;
  const candidates = enterpriseId ? usersOfEnterprise(world) : usersOfTeam(world, (scope as { teamId: string }).teamId);
  const owner = candidates.find((user) => user.role === "primary_owner");
  if (!owner) throw new Error(`No owner for ${JSON.stringify(scope)}`);
  return owner;
}
