import { createBullBoard } from "@bull-board/api";
import { BullMQAdapter } from "@bull-board/api/bullMQAdapter";
import { recordAudit } from "@/features/audit/mutations";
import type { AuditContext } from "@/features/audit/schema";
import { boardPathSegments, QUEUE_BOARD_PATH } from "@/features/queues/schema";
import { WebServerAdapter, type MatchedRoute } from "@/features/queues/web-server-adapter";
import { getProducerQueue, waitForProducerRedis } from "@/lib/queue/producer";
import { QUEUE_NAMES, type QueueName } from "@/lib/queue/queues";
import { requestLogger, webLogger } from "@/lib/web-logger";

// Bull Board over Tributary's own queues: the web server's producer queues (lib/queue/producer.ts).
// Each API request first waits at most a few seconds for their Redis connection and answers 503
// otherwise, so the board shows an error instead of hanging while Redis is away.

const QUEUE_DESCRIPTIONS: Record<QueueName, string> = {
  system: "Heartbeat, alarm evaluation, notification delivery and unfinished source erasures.",
  pulls: "One job per source and log type every interval, plus replays an operator asked for.",
};

const globalForBoard = globalThis as unknown as { queueBoard?: WebServerAdapter };

function getQueueBoard(): WebServerAdapter {
  if (globalForBoard.queueBoard) return globalForBoard.queueBoard;
  const adapter = new WebServerAdapter(QUEUE_BOARD_PATH, waitForProducerRedis, (error, route) =>
    webLogger.error({ event: "queue_board_error", route: `${route.method.toUpperCase()} ${route.pattern}`, err: error }, "a queue board operation failed"),
  );
  createBullBoard({
    queues: QUEUE_NAMES.map((name) => new BullMQAdapter(getProducerQueue(name), { description: QUEUE_DESCRIPTIONS[name] })),
    serverAdapter: adapter,
    options: {
      uiConfig: {
        boardTitle: "Tributary queues",
        miscLinks: [{ text: "Back to Tributary", url: "/settings" }],
        // The docs link leaves for a third-party site; nothing else on the page does.
        hideDocsLink: true,
      },
    },
  });
  globalForBoard.queueBoard = adapter;
  return adapter;
}

// The route parameters worth keeping: which queue, job, status or scheduler was acted on. From the
// body only the settings of a change (a new job's name, a concurrency, a repeat), never job data an
// admin typed, and of a new job's options only which ones were set (a jobId could shadow a replay's).
const AUDITED_PARAMS = ["jobId", "queueStatus", "schedulerId"] as const;
const AUDITED_BODY_FIELDS = ["name", "concurrency", "max", "duration", "pattern", "every", "force", "priority", "runAt"] as const;

function describeChange(route: MatchedRoute): { target: { type: string; id: string | null; label: string }; details: Record<string, string> } {
  const queueName = route.params.queueName ?? null;
  const details: Record<string, string> = { operation: route.summary, route: `${route.method.toUpperCase()} ${route.pattern}` };
  for (const name of AUDITED_PARAMS) if (route.params[name] !== undefined) details[name] = route.params[name].slice(0, 200);
  for (const name of AUDITED_BODY_FIELDS) {
    const value = route.body[name];
    if (typeof value === "string" || typeof value === "number" || typeof value === "boolean") details[name] = String(value).slice(0, 200);
  }
  const options = route.body.options;
  if (options !== null && typeof options === "object") details.optionKeys = Object.keys(options).join(",").slice(0, 200);
  return { target: { type: "queue", id: queueName, label: queueName ?? "all queues" }, details };
}

/**
 * Answers one request to the board for an admin already authorized (and, for a change, already
 * checked to come from the console's own pages). A change the board carried out is recorded in the
 * audit trail afterwards: Redis has no transaction to share with Postgres, and an entry for a change
 * that was refused would be false.
 */
export async function serveQueueBoard(request: Request, audit: AuditContext, scriptNonce: string | undefined): Promise<Response> {
  const { pathname } = new URL(request.url);
  const { response, route } = await getQueueBoard().handle(request, boardPathSegments(pathname), scriptNonce);
  if (route && route.method !== "get" && response.status < 400) {
    try {
      await recordAudit(audit, { action: "queue.changed", ...describeChange(route) });
    } catch (error) {
      // The change is done and cannot be undone here; say so loudly rather than answer that it failed.
      requestLogger(request.headers).error({ event: "queue_audit_failed", route: route.pattern, err: error }, "a queue change was not recorded in the audit trail");
    }
  }
  return response;
}

/**
 * The 403 for a signed-in user without access who opens the board in the browser. A route handler
 * cannot render app/forbidden.tsx (forbidden() here answers an empty 403, which browsers show as
 * their own error page), so this says the same in a page of its own, with no script to run.
 */
export function boardForbiddenResponse(): Response {
  const html = `<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8" /><meta name="viewport" content="width=device-width, initial-scale=1" /><title>Access denied · Tributary</title></head>
<body style="margin:0;min-height:100vh;display:flex;align-items:center;justify-content:center;background:#f8fafc;color:#0f172a;font-family:system-ui,sans-serif">
<main style="max-width:28rem;padding:1rem;text-align:center">
<h1 style="font-size:1.125rem">You don't have access to this page</h1>
<p style="color:#475569;font-size:0.875rem">The queue board can retry, remove and pause the work Tributary does, so only admins can open it. Ask an admin if you need more access.</p>
<p style="font-size:0.875rem"><a href="/sources">Back to sources</a></p>
</main>
</body>
</html>
`;
  return new Response(html, { status: 403, headers: { "content-type": "text/html; charset=utf-8", "cache-control": "no-store" } });
}
