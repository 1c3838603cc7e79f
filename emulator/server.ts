import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { handleAuditActions, handleAuditLogs, handleAuditSchemas, seedAuditHistory } from "@/emulator/audit";
import { checkToken, presentedToken } from "@/emulator/auth";
import { handleControl } from "@/emulator/control";
import { auditError } from "@/emulator/auth";
import { html, json, readBody, webApiError, type Reply, type RequestContext } from "@/emulator/http";
import { clientCredentials, handleAuthorizeDecision, handleAuthorizePage, handleAuthRevoke, handleAuthTest, handleOAuthV2Access } from "@/emulator/oauth";
import { createRandom } from "@/emulator/random";
import { createRateLimiter, type Tier } from "@/emulator/rate-limit";
import { DEFAULT_RETENTION_SECONDS, DEFAULT_TRAFFIC_RATES, systemNow, type EmulatorState, type Fault, type TrafficRates } from "@/emulator/state";
import { handleAccessLogs, handleIntegrationLogs, seedTeamLogsHistory } from "@/emulator/team-logs";
import { startTraffic } from "@/emulator/traffic";
import { createWorld } from "@/emulator/world";

export type EmulatorOptions = {
  /** 0 picks a free port. */
  port?: number;
  host?: string;
  seed?: number | string;
  /** Rate-limit windows (and Retry-After) run this many times faster. */
  speedUp?: number;
  traffic?: Partial<TrafficRates> & { isPaused?: boolean };
  /** Skip the generated history (a world with no past events), for tests that count exactly. */
  isEmpty?: boolean;
  now?: () => number;
  /**
   * Milliseconds every Slack API answer waits before it is sent (OAuth, Web API, Audit API; never the
   * control API). Slack answers in tens to hundreds of milliseconds; a benchmark of how many pulls a
   * worker keeps in flight is meaningless against an emulator that answers at once.
   */
  latencyMs?: number;
  /** How long generated events are kept, in seconds (defaults: a day of audit events, 30 days of team logs). */
  retentionSeconds?: Partial<EmulatorState["retentionSeconds"]>;
};

export type RunningEmulator = {
  url: string;
  /** The three base URLs Tributary is configured with (../shared/design.md). */
  slackApiUrl: string;
  slackAuditApiUrl: string;
  slackOAuthAuthorizeUrl: string;
  controlUrl: string;
  state: EmulatorState;
  stop(): Promise<void>;
};

type Route = {
  handle: (context: RequestContext) => Reply;
  /** Which rate-limit bucket a request spends, once its token is known (reference §5, §1.7). */
  limit?: (context: RequestContext) => { key: string; tier: Tier } | null;
};

function tokenBucket(method: string, tier: Tier) {
  return (context: RequestContext) => {
    const check = checkToken(context);
    if (!check.ok) return null;
    const { token } = check;
    // An org token names its workspace per call (team_id); each workspace has its own budget.
    const team = token.teamId ?? context.body.get("team_id") ?? context.query.get("team_id") ?? token.enterpriseId;
    return { key: `${method}:${team}:${token.appId}`, tier };
  };
}

// The Audit Logs API's Tier 3 budget is shared by every app and token of the organization.
function auditBucket(context: RequestContext) {
  const check = checkToken(context);
  return check.ok && check.token.enterpriseId ? { key: `audit:${check.token.enterpriseId}`, tier: "tier3" as const } : null;
}

// The bucket is the app: the client ID from HTTP Basic or the form, unknown callers sharing one.
function oauthClientId(context: RequestContext): string {
  const basic = /^Basic\s+(.+)$/i.exec(context.headers.authorization ?? "")?.[1];
  const fromBasic = basic ? Buffer.from(basic, "base64").toString("utf8").split(":")[0] : undefined;
  const clientId = fromBasic ?? context.body.get("client_id") ?? context.query.get("client_id") ?? "";
  return context.state.apps.has(clientId) ? clientId : "unknown";
}

const WEB_API: Record<string, Route> = {
  "oauth.v2.access": { handle: handleOAuthV2Access, limit: (context) => ({ key: `oauth:${oauthClientId(context)}`, tier: "special" }) },
  "auth.test": { handle: handleAuthTest, limit: tokenBucket("auth.test", "special") },
  "auth.revoke": { handle: handleAuthRevoke, limit: tokenBucket("auth.revoke", "tier3") },
  "team.accessLogs": { handle: handleAccessLogs, limit: tokenBucket("team.accessLogs", "tier2") },
  "team.integrationLogs": { handle: handleIntegrationLogs, limit: tokenBucket("team.integrationLogs", "tier2") },
};

const AUDIT_API: Record<string, Route> = {
  logs: { handle: handleAuditLogs, limit: auditBucket },
  schemas: { handle: handleAuditSchemas },
  actions: { handle: handleAuditActions },
};

// What Slack serves for a path it does not know on its API hosts (reference §1.1).
const GLITCH_PAGE = html("<!DOCTYPE html><html><head><title>Slack</title></head><body><h1>You've found a glitch</h1><p>This page doesn't exist.</p></body></html>", 404);

function findRoute(method: string, path: string): Route | "unknown_method" | null {
  const web = /^\/api\/([A-Za-z0-9_.]+)$/.exec(path);
  if (web) return WEB_API[web[1]!] ?? "unknown_method";
  const audit = /^\/audit\/v1\/([a-z]+)$/.exec(path);
  if (audit) return method === "GET" ? (AUDIT_API[audit[1]!] ?? null) : null;
  if (path === "/oauth/v2/authorize") return { handle: method === "POST" ? handleAuthorizeDecision : handleAuthorizePage };
  return null;
}

function ratelimited(retryAfterSeconds: number): Reply {
  return json({ ok: false, error: "ratelimited" }, 429, { "retry-after": String(retryAfterSeconds) });
}

/** The next injected fault that applies to this request, counted down; null when none. */
function takeFault(context: RequestContext): Fault | null {
  const { state, path } = context;
  const applies = (candidate: Fault) =>
    candidate.remaining > 0 &&
    (!candidate.pathPrefix || path.startsWith(candidate.pathPrefix)) &&
    (!candidate.clientId || clientCredentials(context).clientId === candidate.clientId) &&
    (!candidate.token || presentedToken(context) === candidate.token);
  const fault = state.faults.find(applies);
  if (!fault) return null;
  if (fault.after > 0) {
    fault.after -= 1;
    return null;
  }
  fault.remaining -= 1;
  state.faults = state.faults.filter((candidate) => candidate.remaining > 0);
  return fault;
}

function faultReply(fault: Fault, path: string): Reply | "hang" | "reset" {
  switch (fault.kind) {
    case "slack_error":
      // As each API reports a refusal: the Audit API with a 4xx status, the Web API with HTTP 200.
      return path.startsWith("/audit/") ? auditError(/^(not_authed|invalid_auth|token_revoked|token_expired|account_inactive)$/.test(fault.error) ? 401 : 403, fault.error) : webApiError(fault.error);
    case "ratelimited":
      return ratelimited(fault.retryAfterSeconds);
    case "server_error":
      return json({ ok: false, error: "fatal_error" }, 500);
    case "service_unavailable":
      return html("<html><body><h1>503 Service Unavailable</h1></body></html>", 503, { "retry-after": String(fault.retryAfterSeconds) });
    case "malformed_json":
      return { status: 200, headers: { "content-type": "application/json; charset=utf-8" }, body: '{"ok":true,"entries":[{"id":"' };
    case "html_error":
      return html("<!DOCTYPE html><html><head><title>Slack is having trouble</title></head><body><h1>Something went wrong</h1></body></html>", 502);
    case "hang":
      return "hang";
    case "connection_reset":
      return "reset";
  }
}

function writeReply(response: ServerResponse, reply: Reply) {
  const isText = typeof reply.body === "string";
  const body = isText ? (reply.body as string) : JSON.stringify(reply.body);
  response.writeHead(reply.status, { "content-type": isText ? "text/plain; charset=utf-8" : "application/json; charset=utf-8", ...reply.headers });
  response.end(body);
}

export function createEmulatorState(options: EmulatorOptions = {}): EmulatorState {
  // One seed type: the CLI's "--seed 42" and startEmulator({ seed: 42 }) must build the same world.
  const seed = String(options.seed ?? 1);
  const { isPaused, ...rates } = options.traffic ?? {};
  if (!(options.speedUp === undefined || (Number.isFinite(options.speedUp) && options.speedUp > 0))) throw new Error("speedUp must be a number greater than 0");
  const state: EmulatorState = {
    world: createWorld(seed),
    random: createRandom(seed).fork("traffic"),
    apps: new Map(),
    tokens: new Map(),
    codes: new Map(),
    auditEntries: new Map(),
    bulkAudit: null,
    accessLogs: new Map(),
    integrationLogs: new Map(),
    faults: [],
    traffic: { isPaused: isPaused ?? false, rates: { ...DEFAULT_TRAFFIC_RATES, ...rates } },
    speedUp: options.speedUp ?? 1,
    now: options.now ?? systemNow,
    retentionSeconds: { ...DEFAULT_RETENTION_SECONDS, ...options.retentionSeconds },
  };
  if (!options.isEmpty) {
    seedAuditHistory(state, state.now());
    seedTeamLogsHistory(state, state.now());
  }
  return state;
}

export async function startEmulator(options: EmulatorOptions = {}): Promise<RunningEmulator> {
  const state = createEmulatorState(options);
  const limiter = createRateLimiter(state);
  const latencyMs = options.latencyMs ?? 0;
  if (!Number.isFinite(latencyMs) || latencyMs < 0) throw new Error("latencyMs must be a number of milliseconds, 0 or more");
  const sockets = new Set<Socket>();
  const hanging = new Set<ServerResponse>();
  const traffic = startTraffic(state);
  // A reset is a fresh emulator on the same port: state, limits, traffic carry-over and held responses.
  const resetState = () => {
    Object.assign(state, createEmulatorState(options));
    limiter.reset();
    traffic.reset();
    for (const response of hanging) response.destroy();
  };

  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    // Slack's clock is the emulator's (tests move it): a puller may bound its window by the Date header.
    response.setHeader("date", new Date(state.now() * 1000).toUTCString());
    void (async () => {
      const url = new URL(request.url ?? "/", "http://emulator");
      let rawBody = "";
      let body = new URLSearchParams();
      try {
        if (url.pathname.startsWith("/_emulator")) {
          for await (const chunk of request) {
            rawBody += (chunk as Buffer).toString("utf8");
            if (rawBody.length > 1_000_000) throw new Error("control request body too large");
          }
        } else {
          body = await readBody(request);
        }
      } catch {
        return writeReply(response, webApiError("invalid_form_data"));
      }
      const context: RequestContext = {
        state,
        method: request.method ?? "GET",
        path: url.pathname,
        query: url.searchParams,
        body,
        headers: request.headers,
        baseUrl: `http://${request.headers.host ?? "127.0.0.1"}`,
      };
      if (context.path.startsWith("/_emulator")) return writeReply(response, handleControl(context, rawBody, resetState));

      const route = findRoute(context.method, context.path);
      if (route === null) return writeReply(response, GLITCH_PAGE);
      if (latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, latencyMs));
      // Only requests Slack would answer spend a fault, so a stray favicon request cannot use one up.
      const fault = takeFault(context);
      if (fault) {
        const reply = faultReply(fault, context.path);
        if (reply === "hang") {
          hanging.add(response);
          response.once("close", () => hanging.delete(response));
          return;
        }
        // The socket closes without an answer: the client sees ECONNRESET / "socket hang up".
        if (reply === "reset") return request.socket.destroy();
        return writeReply(response, reply);
      }
      if (route === "unknown_method") return writeReply(response, { ...webApiError("unknown_method"), status: 404 });
      const bucket = route.limit?.(context);
      if (bucket) {
        const taken = limiter.take(bucket.key, bucket.tier);
        if (!taken.ok) return writeReply(response, ratelimited(taken.retryAfterSeconds));
      }
      writeReply(response, route.handle(context));
    })().catch((error: unknown) => {
      // Slack's shape for its own failures; the cause goes to the emulator's stderr, not the client.
      console.error("emulator: request failed", error);
      if (!response.headersSent) writeReply(response, json({ ok: false, error: "internal_error" }, 500));
    });
  });
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.once("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", (error) => {
      traffic.stop();
      reject(error);
    });
    server.listen(options.port ?? 0, options.host ?? "127.0.0.1", () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const url = `http://${options.host && options.host !== "0.0.0.0" ? options.host : "127.0.0.1"}:${port}`;
  return {
    url,
    slackApiUrl: `${url}/api`,
    slackAuditApiUrl: `${url}/audit/v1`,
    slackOAuthAuthorizeUrl: `${url}/oauth/v2/authorize`,
    controlUrl: `${url}/_emulator`,
    state,
    async stop() {
      traffic.stop();
      for (const response of hanging) response.destroy();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      });
    },
  };
}
