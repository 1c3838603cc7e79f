import { createServer, type Server } from "node:http";
import type { Redis } from "ioredis";
import type { WorkerIdentity } from "@/features/system/schema";

/**
 * The worker's own liveness endpoint (GET /healthz): 200 while Redis is connected and the workers
 * run, 503 otherwise, so an orchestrator can restart a stuck process.
 */
export function createHealthServer(options: { identity: WorkerIdentity; redis: Redis; isRunning: () => boolean }): Server {
  return createServer((request, response) => {
    const path = (request.url ?? "/").split("?")[0];
    if (request.method !== "GET" || path !== "/healthz") {
      response.writeHead(404, { "content-type": "application/json" }).end(JSON.stringify({ error: "not_found" }));
      return;
    }
    const redisState = options.redis.status;
    const isHealthy = options.isRunning() && redisState === "ready";
    const body = {
      status: isHealthy ? "ok" : "unavailable",
      workerId: options.identity.workerId,
      version: options.identity.version,
      redis: redisState,
      uptimeSeconds: Math.round((Date.now() - options.identity.startedAt.getTime()) / 1000),
    };
    response.writeHead(isHealthy ? 200 : 503, { "content-type": "application/json", "cache-control": "no-store" }).end(JSON.stringify(body));
  });
}

/** Listens, turning "port in use" into a sentence instead of an unhandled error event. */
export function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) =>
      reject(new Error(error.code === "EADDRINUSE" ? `port ${port} is already in use (set WORKER_HEALTH_PORT)` : error.message));
    server.once("error", onError);
    server.listen(port, host, () => {
      server.off("error", onError);
      resolve();
    });
  });
}
