import { createServer, type Server } from "node:http";
import type { WorkerIdentity } from "@/features/system/schema";
import type { Registry } from "prom-client";
import type { Readiness } from "@/lib/readiness";
import type { RedisClient } from "@/lib/redis-client";

/**
 * The worker's own probes, for an orchestrator:
 * - GET /healthz, liveness: 200 while the process runs its workers (503 once it is stopping), so a
 *   stuck or dying process is restarted. Redis being away is not a reason to restart it: it
 *   reconnects and rebuilds its schedules by itself.
 * - GET /readyz, readiness: 200 only when its Redis connection is up and Postgres, Redis and every
 *   migration check out (lib/readiness.ts), 503 with the failing check otherwise.
 * - GET /metrics, for Prometheus.
 */
export function createHealthServer(options: { identity: WorkerIdentity; redis: RedisClient; isRunning: () => boolean; readiness: () => Promise<Readiness>; metrics?: Registry }): Server {
  return createServer((request, response) => {
    const path = (request.url ?? "/").split("?")[0];
    const answer = (status: number, body: Record<string, unknown>) =>
      response.writeHead(status, { "content-type": "application/json", "cache-control": "no-store" }).end(JSON.stringify(body));
    const identity = { workerId: options.identity.workerId, version: options.identity.version, redis: options.redis.status };
    if (request.method === "GET" && path === "/healthz") {
      const isAlive = options.isRunning();
      answer(isAlive ? 200 : 503, { status: isAlive ? "ok" : "stopping", ...identity, uptimeSeconds: Math.round((Date.now() - options.identity.startedAt.getTime()) / 1000) });
      return;
    }
    if (request.method === "GET" && path === "/readyz") {
      void options.readiness().then(
        ({ isReady, checks }) => {
          // Its own connection is what its jobs use: a fresh probe connection may answer while it reconnects.
          const isConnected = options.redis.status === "ready";
          const ready = isReady && isConnected && options.isRunning();
          answer(ready ? 200 : 503, { status: ready ? "ready" : "not_ready", ...identity, checks: { ...checks, queueConnection: isConnected ? "ok" : options.redis.status } });
        },
        () => answer(503, { status: "not_ready", ...identity }),
      );
      return;
    }
    // Prometheus' text format: what this process did (lib/metrics/worker.ts). Same address as the probes.
    if (request.method === "GET" && path === "/metrics" && options.metrics) {
      const registry = options.metrics;
      void registry.metrics().then(
        (text) => response.writeHead(200, { "content-type": registry.contentType, "cache-control": "no-store" }).end(text),
        () => answer(500, { error: "metrics_failed" }),
      );
      return;
    }
    answer(404, { error: "not_found" });
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
