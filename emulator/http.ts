import type { IncomingMessage } from "node:http";
import type { EmulatorState } from "@/emulator/state";

// The small HTTP vocabulary every handler speaks. Handlers return a Reply; the server writes it.

export type Reply = { status: number; headers?: Record<string, string>; body: string | object };

export type RequestContext = {
  state: EmulatorState;
  method: string;
  path: string;
  query: URLSearchParams;
  /** Form or JSON body fields (as strings), empty for GET. */
  body: URLSearchParams;
  headers: IncomingMessage["headers"];
  /** The emulator's own base URL, for links it renders (consent page, redirects). */
  baseUrl: string;
};

export const json = (body: object, status = 200, headers: Record<string, string> = {}): Reply => ({ status, headers, body });

/** Web API failure: HTTP 200 with ok:false, as Slack answers (reference §0). */
export const webApiError = (error: string, extra: Record<string, unknown> = {}): Reply => json({ ok: false, error, ...extra });

export const html = (body: string, status = 200, headers: Record<string, string> = {}): Reply => ({ status, headers: { "content-type": "text/html; charset=utf-8", ...headers }, body });

export const redirect = (location: string): Reply => ({ status: 302, headers: { location }, body: "" });

/** A parameter from the query string or the body (Web API methods accept both for everything but the token). */
export function parameter(context: RequestContext, name: string): string | undefined {
  return context.body.get(name) ?? context.query.get(name) ?? undefined;
}

export async function readBody(request: IncomingMessage, limitBytes = 1_000_000): Promise<URLSearchParams> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > limitBytes) throw new Error("request body too large");
    chunks.push(chunk as Buffer);
  }
  const text = Buffer.concat(chunks).toString("utf8");
  if (!text) return new URLSearchParams();
  if ((request.headers["content-type"] ?? "").includes("application/json")) {
    const parsed = JSON.parse(text) as Record<string, unknown>;
    return new URLSearchParams(Object.entries(parsed).map(([key, value]) => [key, typeof value === "string" ? value : JSON.stringify(value)]));
  }
  return new URLSearchParams(text);
}

export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (character) => `&#${character.charCodeAt(0)};`);
}
