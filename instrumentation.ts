import type { Instrumentation } from "next";

// Runs once when the web server starts. The checks live in a Node-only module so that the edge
// bundle never sees process.exit.
export async function register() {
  if (process.env.NEXT_RUNTIME === "nodejs") {
    const { verifyStartup } = await import("@/lib/startup");
    await verifyStartup("web");
    // A serving process watches the workers; `next build` loading this file must not.
    if (process.env.NEXT_PHASE !== "phase-production-build") {
      const { startWorkerWatchdog } = await import("@/features/alarms/watchdog");
      startWorkerWatchdog();
    }
  }
}

// Errors thrown while rendering or in a route handler: one JSON line with the request ID the proxy
// assigned (the user sees it in the response headers), instead of Next's plain-text trace.
export const onRequestError: Instrumentation.onRequestError = async (error, request, context) => {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { webLogger } = await import("@/lib/web-logger");
  const { REQUEST_ID_HEADER } = await import("@/lib/logger");
  const { redactPath } = await import("@/lib/http");
  const requestId = request.headers[REQUEST_ID_HEADER];
  webLogger.error(
    {
      requestId: Array.isArray(requestId) ? requestId[0] : requestId,
      method: request.method,
      path: redactPath(request.path.split("?")[0] ?? ""),
      route: context.routePath,
      routeType: context.routeType,
      err: error instanceof Error ? { name: error.name, message: error.message, digest: (error as { digest?: string }).digest } : String(error),
    },
    "request failed",
  );
};
