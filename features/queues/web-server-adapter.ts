import { readFile, stat } from "node:fs/promises";
import { extname, join, resolve, sep } from "node:path";
import type {
  AppControllerRoute,
  AppViewRoute,
  BullBoardQueues,
  ControllerHandlerReturnType,
  HTTPMethod,
  IServerAdapter,
  UIConfig,
} from "@bull-board/api/typings/app";
// A default import: ejs's ES module build, which Next.js loads, has no named exports.
import ejs from "ejs";
import { readBoundedText } from "@/lib/http";

// Bull Board ships adapters for Express, Fastify, Hono and others, each a whole server framework.
// A Next.js route handler already speaks Web Request/Response, so this adapter does the little they
// do (match a route, call its handler, render the entry page, serve the UI's files) without one, and
// leaves authentication, CSRF and the audit trail to the route in front of it (features/queues/board.ts).

/** A bull-board API route that answered, for the audit trail: its pattern, summary and parameters. */
export type MatchedRoute = { method: HTTPMethod; pattern: string; summary: string; params: Record<string, string>; body: Record<string, unknown> };

export type BoardAnswer = { response: Response; route: MatchedRoute | null };

type Registered = { method: HTTPMethod; pattern: string[]; patternText: string; route: AppControllerRoute };

// Only the kinds @bull-board/ui ships; anything else in its folder is not served.
const CONTENT_TYPES: Record<string, string> = {
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".ico": "image/x-icon",
  ".txt": "text/plain; charset=utf-8",
};

const NO_STORE = { "cache-control": "no-store" };

/** A change to the board (a job added, a queue's settings) is a few hundred bytes. */
const MAX_BODY_BYTES = 64 * 1024;

/** null when a segment does not match; otherwise the `:name` parameters, decoded. */
function matchPattern(pattern: string[], segments: string[]): Record<string, string> | null {
  if (pattern.length !== segments.length) return null;
  const params: Record<string, string> = {};
  for (const [index, part] of pattern.entries()) {
    const segment = segments[index]!;
    if (part.startsWith(":")) params[part.slice(1)] = segment;
    else if (part !== segment) return null;
  }
  return params;
}

function splitPattern(pattern: string): string[] {
  return pattern.split("/").filter(Boolean);
}

function json(status: number, body: unknown): Response {
  return Response.json(body, { status, headers: NO_STORE });
}

export class WebServerAdapter implements IServerAdapter {
  private queues: BullBoardQueues | undefined;
  private viewsPath: string | undefined;
  private staticRoute: string | undefined;
  private staticPath: string | undefined;
  private entryRoute: AppViewRoute | undefined;
  private errorHandler: ((error: Error) => ControllerHandlerReturnType) | undefined;
  private uiConfig: UIConfig = {};
  private readonly apiRoutes: Registered[] = [];

  /**
   * `basePath` is where the route handler is mounted, e.g. "/admin/queues". `isBackendReady` answers
   * within a deadline whether Redis can be used; `onError` logs a handler's failure.
   */
  constructor(
    private readonly basePath: string,
    private readonly isBackendReady: () => Promise<boolean> = async () => true,
    private readonly onError: (error: Error, route: MatchedRoute) => void = () => {},
  ) {}

  setQueues(queues: BullBoardQueues) {
    this.queues = queues;
    return this;
  }

  setViewsPath(viewsPath: string) {
    this.viewsPath = viewsPath;
    return this;
  }

  setStaticPath(staticRoute: string, staticPath: string) {
    this.staticRoute = staticRoute;
    this.staticPath = resolve(staticPath);
    return this;
  }

  setEntryRoute(route: AppViewRoute) {
    this.entryRoute = route;
    return this;
  }

  setErrorHandler(handler: (error: Error) => ControllerHandlerReturnType) {
    this.errorHandler = handler;
    return this;
  }

  setApiRoutes(routes: AppControllerRoute[]) {
    // Kept in bull-board's order: like Express and Hono, the first route that matches answers
    // ("/api/queues/pause" is listed before "/api/queues/:queueName/pause").
    for (const route of routes) {
      for (const method of [route.method].flat()) {
        for (const pattern of [route.route].flat()) this.apiRoutes.push({ method, pattern: splitPattern(pattern), patternText: pattern, route });
      }
    }
    return this;
  }

  setUIConfig(config: UIConfig) {
    this.uiConfig = config;
    return this;
  }

  /**
   * Answers one request whose caller is already authorized. `segments` is the path below the base
   * path, still percent-encoded, so that an encoded "/" in a job ID stays inside its segment.
   * `scriptNonce` goes on the entry page's scripts, which the console's policy requires.
   */
  async handle(request: Request, segments: string[], scriptNonce: string | undefined): Promise<BoardAnswer> {
    let decoded: string[];
    try {
      decoded = segments.map((segment) => decodeURIComponent(segment));
    } catch {
      return { response: json(400, { error: "Malformed path" }), route: null };
    }
    const method = (request.method === "HEAD" ? "get" : request.method.toLowerCase()) as HTTPMethod;
    if (this.staticRoute && `/${segments[0]}` === this.staticRoute) {
      return { response: method === "get" ? await this.serveStatic(decoded.slice(1)) : json(405, { error: "Method not allowed" }), route: null };
    }
    for (const registered of this.apiRoutes) {
      if (registered.method !== method) continue;
      const params = matchPattern(registered.pattern, decoded);
      if (params) return this.callApi(request, registered, params);
    }
    if (method === "get" && this.entryRoute) {
      const patterns = [this.entryRoute.route].flat().map(splitPattern);
      if (patterns.some((pattern) => matchPattern(pattern, decoded))) return { response: await this.renderEntry(scriptNonce), route: null };
    }
    return { response: json(404, { error: "Not found" }), route: null };
  }

  private async callApi(request: Request, registered: Registered, params: Record<string, string>): Promise<BoardAnswer> {
    const url = new URL(request.url);
    let body: Record<string, unknown> = {};
    if (registered.method !== "get") {
      // The UI sends most of its changes without a body. One that is not JSON is refused rather
      // than read as {} (bull-board's valibot schemas accept {} for "add a job", so a cut-off body
      // would add a nameless job), and one larger than any change needs is not read at all.
      const text = await readBoundedText(request, MAX_BODY_BYTES);
      if (text === null) return { response: json(413, { error: "Body too large" }), route: null };
      if (text) {
        try {
          body = JSON.parse(text) as Record<string, unknown>;
        } catch {
          return { response: json(400, { error: "Body is not valid JSON" }), route: null };
        }
      }
    }
    // The board waits on its Redis connection without a deadline while that has never been up (a
    // web process started during an outage): an unanswered request each few seconds of polling would
    // pile up and stall the browser's connections to the whole console.
    if (!(await this.isBackendReady())) return { response: json(503, { error: "Redis is unavailable; the queues cannot be read or changed now." }), route: null };
    const matched: MatchedRoute = { method: registered.method, pattern: registered.patternText, summary: registered.route.spec.summary, params, body };
    let result: ControllerHandlerReturnType;
    try {
      result = await registered.route.handler({
        queues: this.queues!,
        uiConfig: this.uiConfig,
        params,
        query: Object.fromEntries(url.searchParams),
        body,
        // No handler reads headers; the session cookie has no business inside the library.
        headers: {},
      });
    } catch (error) {
      if (!this.errorHandler || !(error instanceof Error)) throw error;
      this.onError(error, matched);
      // bull-board's handler would send error.message (a Redis address, say) to the browser.
      result = { status: 500, body: { error: "The queue operation failed; the server's log has the reason." } };
    }
    const status = result.status ?? 200;
    if (status === 204) return { response: new Response(null, { status, headers: NO_STORE }), route: matched };
    const response =
      typeof result.body === "string" ? new Response(result.body, { status, headers: { ...NO_STORE, "content-type": "text/plain; charset=utf-8" } }) : json(status, result.body);
    return { response, route: matched };
  }

  private async renderEntry(scriptNonce: string | undefined): Promise<Response> {
    const { name, params } = this.entryRoute!.handler({ basePath: this.basePath, uiConfig: this.uiConfig });
    let html = await ejs.renderFile(join(this.viewsPath!, name), params);
    // The template asks Google for its fonts: a self-hosted console reaches no third party (the
    // policy would refuse it anyway), and the UI falls back to the system's sans-serif.
    html = html.replace(/<link[^>]*fonts\.googleapis\.com[^>]*>\s*/g, "");
    // The console's script-src admits a script only with the request's nonce ('strict-dynamic'
    // then admits the chunks these load). The nonce is base64, safe inside an attribute.
    if (scriptNonce) html = html.replace(/<script\b/g, `<script nonce="${scriptNonce}"`);
    return new Response(html, { headers: { ...NO_STORE, "content-type": "text/html; charset=utf-8" } });
  }

  private async serveStatic(segments: string[]): Promise<Response> {
    const notFound = () => json(404, { error: "Not found" });
    if (segments.length === 0 || segments.some((segment) => segment === "." || segment === ".." || /[\\/\0]/.test(segment))) return notFound();
    const file = resolve(this.staticPath!, ...segments);
    const contentType = CONTENT_TYPES[extname(file)];
    if (!contentType || !file.startsWith(`${this.staticPath}${sep}`)) return notFound();
    const info = await stat(file).catch(() => null);
    if (!info?.isFile()) return notFound();
    // Public library code, but fetched with a session: "private" keeps shared caches out. The
    // file names carry a content hash except the favicon and translations, which are tiny.
    return new Response(new Uint8Array(await readFile(file)), { headers: { "content-type": contentType, "cache-control": "private, max-age=3600" } });
  }
}
