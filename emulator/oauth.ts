import { randomBytes } from "node:crypto";
import { html, webApiError, type Reply, type RequestContext } from "@/emulator/http";
import type { App, EmulatorState, Token } from "@/emulator/state";

// OAuth v2, auth.test and auth.revoke (reference §4). STUB handlers: replaced by the OAuth helper;
// registerApp, rotateAppSecret and mintToken are used by the control API and stay.

const idChars = (length: number) => randomBytes(length).toString("hex").toUpperCase().slice(0, length);

export type AppRegistration = { name: string; redirectUrls: string[]; userScopes: string[]; botScopes: string[]; isDistributed?: boolean };

/** Client IDs look like Slack's: `<team-ish number>.<number>`; secrets are 32 hex characters. */
export function registerApp(state: EmulatorState, input: AppRegistration): App {
  const app: App = {
    appId: `A0${idChars(9)}`,
    clientId: `${BigInt(`0x${randomBytes(5).toString("hex")}`) % 9_000_000_000_000n + 1_000_000_000_000n}.${BigInt(`0x${randomBytes(5).toString("hex")}`) % 9_000_000_000_000n + 1_000_000_000_000n}`,
    clientSecret: randomBytes(16).toString("hex"),
    name: input.name,
    redirectUrls: input.redirectUrls,
    userScopes: input.userScopes,
    botScopes: input.botScopes,
    isDistributed: input.isDistributed ?? true,
    uninstalledAt: null,
  };
  state.apps.set(app.clientId, app);
  return app;
}

export function rotateAppSecret(state: EmulatorState, clientId: string): App | null {
  const app = state.apps.get(clientId);
  if (!app) return null;
  app.clientSecret = randomBytes(16).toString("hex");
  return app;
}

/** A user token as an install would grant it: `xoxp-<team>-<user>-<random>-<secret>`. */
export function mintToken(state: EmulatorState, input: Omit<Token, "value" | "createdAt" | "revokedAt">): Token {
  const prefix = input.kind === "user" ? "xoxp" : "xoxb";
  const number = () => String(BigInt(`0x${randomBytes(5).toString("hex")}`) % 9_000_000_000_000n + 1_000_000_000_000n);
  const token: Token = { ...input, value: `${prefix}-${number()}-${number()}-${number()}-${randomBytes(16).toString("hex")}`, createdAt: state.now(), revokedAt: null };
  state.tokens.set(token.value, token);
  return token;
}

export function handleAuthorizePage(_context: RequestContext): Reply {
  return html("<h1>not implemented</h1>", 501);
}
export function handleAuthorizeDecision(_context: RequestContext): Reply {
  return html("<h1>not implemented</h1>", 501);
}
export function handleOAuthV2Access(_context: RequestContext): Reply {
  return webApiError("not_implemented");
}
export function handleAuthTest(_context: RequestContext): Reply {
  return webApiError("not_implemented");
}
export function handleAuthRevoke(_context: RequestContext): Reply {
  return webApiError("not_implemented");
}
