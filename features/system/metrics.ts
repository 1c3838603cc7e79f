import { collectDefaultMetrics, Gauge, Registry } from "prom-client";
import { loadFleetCounts } from "@/features/system/data";
import { getProducerQueue } from "@/lib/queue/producer";
import { QUEUE_NAMES } from "@/lib/queue/queues";

// The web's /api/metrics: the fleet's state, read at scrape time from Postgres and Redis (so any
// web replica answers the same: aggregate with max, not sum, across replicas), plus this process's
// own runtime. What the workers did (pulls, events, durations, lag, Slack errors) is on each
// worker's /metrics (lib/metrics/worker.ts).

const JOB_STATES = ["waiting", "active", "delayed", "prioritized", "failed", "completed"] as const;
/** A scrape answers within Prometheus' default 10 s timeout even when Redis hangs. */
const QUEUE_DEADLINE_MS = 3_000;

function createWebMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: "tributary_web_" });
  const sources = new Gauge({ name: "tributary_sources", help: "Sources by status.", labelNames: ["status"], registers: [registry] });
  const alarms = new Gauge({ name: "tributary_alarm_sources", help: "Sources with a watched drop-off alarm, by alarm state.", labelNames: ["state"], registers: [registry] });
  const notifications = new Gauge({ name: "tributary_notifications", help: "Emails in the outbox: pending, retrying (failed at least once), sent, sent unconfirmed.", labelNames: ["state"], registers: [registry] });
  const incidents = new Gauge({ name: "tributary_open_incidents", help: "Open Tributary incidents (no worker, no source pulling), by kind.", labelNames: ["kind"], registers: [registry] });
  const workers = new Gauge({ name: "tributary_workers_alive", help: "Worker processes that reported in the last 90 seconds.", registers: [registry] });
  const queueJobs = new Gauge({ name: "tributary_queue_jobs", help: "Jobs in each BullMQ queue by state.", labelNames: ["queue", "state"], registers: [registry] });
  const queueUp = new Gauge({ name: "tributary_queue_up", help: "1 when Redis answered this scrape's queue counts.", registers: [registry] });

  async function queueCounts(): Promise<{ queue: string; state: string; count: number }[] | null> {
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<null>((resolve) => (timer = setTimeout(() => resolve(null), QUEUE_DEADLINE_MS)));
    const read = Promise.all(
      QUEUE_NAMES.map(async (name) => {
        const jobs = await getProducerQueue(name).getJobCounts(...JOB_STATES);
        return JOB_STATES.map((state) => ({ queue: name, state, count: jobs[state] ?? 0 }));
      }),
    ).then((perQueue) => perQueue.flat());
    try {
      // Redis away or hung: the Postgres figures still answer, and queue_up says these are missing.
      return await Promise.race([read, deadline]);
    } catch {
      return null;
    } finally {
      clearTimeout(timer);
    }
  }

  async function refresh() {
    // Everything is read first and written in one synchronous block: two scrapes at once (two
    // Prometheus servers) must not interleave one's reset with the other's values.
    const [counts, queues] = await Promise.all([loadFleetCounts(), queueCounts()]);
    for (const gauge of [sources, alarms, notifications, incidents, queueJobs]) gauge.reset();
    for (const row of counts.sourcesByStatus) sources.set({ status: row.status }, row.count);
    for (const row of counts.sourcesByAlarmState) alarms.set({ state: row.state }, row.count);
    for (const [state, count] of Object.entries(counts.notifications)) notifications.set({ state }, count);
    for (const row of counts.openIncidents) incidents.set({ kind: row.kind }, row.count);
    workers.set(counts.workersAlive);
    for (const row of queues ?? []) queueJobs.set({ queue: row.queue, state: row.state }, row.count);
    queueUp.set(queues ? 1 : 0);
  }
  return { registry, refresh };
}

const globalForMetrics = globalThis as unknown as { webMetrics?: ReturnType<typeof createWebMetrics> };

/** Prometheus' text exposition of the fleet, refreshed on each scrape. */
export async function scrapeWebMetrics(): Promise<{ contentType: string; text: string }> {
  const metrics = (globalForMetrics.webMetrics ??= createWebMetrics());
  await metrics.refresh();
  return { contentType: metrics.registry.contentType, text: await metrics.registry.metrics() };
}
