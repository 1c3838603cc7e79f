import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { ConfigError, parseEnv } from "@/lib/env";
import { checkRedis } from "@/lib/preflight";
import { createAttemptLimiter } from "@/lib/rate-limit";
import { openRedis } from "@/lib/redis-client";
import { createSlackRateLimiter, SLACK_TIER_CALLS } from "@/lib/slack/rate-limiter";
import { freePort, startCommand, uniqueSuffix, waitUntil } from "@/scripts/lib/test-helpers";

// Tributary on a real Redis Cluster: three masters started here (redis-server's cluster mode, no
// persistence), joined with `redis-cli --cluster create`. A worker boots on it, schedules and runs
// its jobs through BullMQ, and every key it writes lands in the one slot of QUEUE_PREFIX's hash tag.

const MASTERS = 3;
let directory: string;
const nodes: { port: number; process: ChildProcess }[] = [];

beforeAll(async () => {
  directory = mkdtempSync(join(tmpdir(), "tributary-cluster-"));
  for (let index = 0; index < MASTERS; index += 1) {
    const port = await freePort();
    const child = spawn(
      "redis-server",
      ["--port", String(port), "--bind", "127.0.0.1", "--cluster-enabled", "yes", "--cluster-config-file", join(directory, `nodes-${port}.conf`), "--dir", directory, "--save", "", "--appendonly", "no"],
      { stdio: "ignore" },
    );
    nodes.push({ port, process: child });
  }
  for (const node of nodes) await waitUntil(async () => (await checkRedis(`redis://127.0.0.1:${node.port}`)).ok, 10_000);
  const created = spawnSync("redis-cli", ["--cluster", "create", ...nodes.map((node) => `127.0.0.1:${node.port}`), "--cluster-replicas", "0", "--cluster-yes"], { encoding: "utf8" });
  expect(created.status, created.stdout + created.stderr).toBe(0);
  await waitUntil(async () => {
    const client = new Redis(nodes[0]!.port, "127.0.0.1", { lazyConnect: true, maxRetriesPerRequest: 1 });
    try {
      await client.connect();
      return /cluster_state:ok/.test(String(await client.call("CLUSTER", "INFO")));
    } finally {
      client.disconnect();
    }
  }, 20_000);
}, 60_000);

afterAll(() => {
  for (const node of nodes) node.process.kill("SIGKILL");
  if (directory) rmSync(directory, { recursive: true, force: true });
});

/** Keys under `prefix` on each master, as that master holds them. */
async function keysPerNode(prefix: string): Promise<number[]> {
  return Promise.all(
    nodes.map(async (node) => {
      const client = new Redis(node.port, "127.0.0.1", { maxRetriesPerRequest: 1 });
      try {
        return (await client.keys(`${prefix}*`)).length;
      } finally {
        client.disconnect();
      }
    }),
  );
}

describe("Redis Cluster", () => {
  it("is refused without a hash tag in QUEUE_PREFIX, which BullMQ needs to keep a queue's keys in one slot", () => {
    const base = { NEXTAUTH_SECRET: "x".repeat(32), ENCRYPTION_KEYS: `k1:${Buffer.alloc(32, 1).toString("base64")}`, REDIS_CLUSTER: "true" };
    expect(() => parseEnv({ ...base, QUEUE_PREFIX: "tributary" })).toThrow(ConfigError);
    expect(() => parseEnv({ ...base, QUEUE_PREFIX: "tributary" })).toThrow(/QUEUE_PREFIX must contain a hash tag such as \{tributary\}/);
    expect(parseEnv({ ...base, QUEUE_PREFIX: "{tributary}" })).toMatchObject({ REDIS_CLUSTER: true, QUEUE_PREFIX: "{tributary}" });
    expect(() => parseEnv({ ...base, REDIS_CLUSTER: "yes", QUEUE_PREFIX: "{tributary}" })).toThrow(/REDIS_CLUSTER must be "true" or "false"/);
  });

  it("runs a worker: ready, its schedulers fire and its jobs run, every key in the prefix's one slot", async () => {
    const prefix = `{tributary-cluster-${uniqueSuffix()}}`;
    const healthPort = await freePort();
    // Any node will do as the entry point; the client follows the slots to the others.
    const redisUrl = `redis://127.0.0.1:${nodes[1]!.port}`;
    const worker = startCommand(["tsx", "worker/index.ts"], { REDIS_URL: redisUrl, REDIS_CLUSTER: "true", QUEUE_PREFIX: prefix, WORKER_HEALTH_PORT: String(healthPort) });
    let workerId: string | undefined;
    try {
      const readiness = await waitUntil(async () => {
        const response = await fetch(`http://127.0.0.1:${healthPort}/readyz`).catch(() => null);
        return response?.ok ? ((await response.json()) as { checks: Record<string, string> }) : undefined;
      }, 60_000);
      expect(readiness.checks).toMatchObject({ redis: "ok", queueConnection: "ok" });
      const health = (await (await fetch(`http://127.0.0.1:${healthPort}/healthz`)).json()) as { workerId: string };
      workerId = health.workerId;
      // The heartbeat job went scheduler → cluster → worker → Postgres.
      await waitUntil(() => db.workerHeartbeat.findFirst({ where: { workerId: health.workerId, lastJobAt: { not: null } } }), 60_000);
      const perNode = await keysPerNode(prefix);
      expect(perNode.filter((count) => count > 0)).toHaveLength(1);

      worker.child.kill("SIGTERM");
      expect((await worker.finished).code, worker.output().stderr).toBe(0);
    } finally {
      worker.child.kill("SIGKILL");
      if (workerId) await db.workerHeartbeat.deleteMany({ where: { workerId } });
    }
  }, 120_000);

  it("keeps the Slack budget and the sign-in throttle, whichever node a key hashes to", async () => {
    const client = openRedis(`redis://127.0.0.1:${nodes[2]!.port}`, { isCluster: true, maxRetriesPerRequest: 1 });
    try {
      // Different tags land on different masters; each budget still counts in its own slot.
      for (const tag of ["a", "b", "c", "d"]) {
        const limiter = createSlackRateLimiter(client, { keyPrefix: `{budget-${tag}-${uniqueSuffix()}}:`, windowMs: 60_000 });
        const call = { token: `xoxp-${uniqueSuffix()}`, method: "team.accessLogs", tier: "tier2" } as const;
        for (let index = 0; index < SLACK_TIER_CALLS.tier2; index += 1) expect((await limiter.acquire(call)).ok).toBe(true);
        expect((await limiter.acquire(call)).ok).toBe(false);
      }
      const throttle = createAttemptLimiter(client, { keyPrefix: `{throttle-${uniqueSuffix()}}:sign-in`, limit: 2, windowSeconds: 60 });
      expect((await throttle.reserve("ann@example.com")).retryAfterSeconds).toBe(0);
      expect((await throttle.reserve("ann@example.com")).retryAfterSeconds).toBe(0);
      expect((await throttle.reserve("ann@example.com")).retryAfterSeconds).toBeGreaterThan(0);
    } finally {
      client.disconnect();
    }
  });
});
