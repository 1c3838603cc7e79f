import { randomBytes } from "node:crypto";
import { expect, test } from "@playwright/test";
import { E2E_WORKER_HEALTH_PORT, e2eEnvironment } from "@/scripts/lib/test-env";
import { pullNow } from "./fixtures/slack";
import { onboardSlackSource } from "./fixtures/sources";
import { seedUser, signInViaApi } from "./fixtures/users";

// What a platform team's Prometheus and probes see: the web's fleet metrics for a scraper holding
// METRICS_TOKEN or a signed-in admin (the authorization matrix covers the other callers), and the
// worker's own metrics and probes on its health port.

const { METRICS_TOKEN } = e2eEnvironment();

/** The value of one sample line, e.g. `tributary_workers_alive 1`. */
const sample = (text: string, series: string) => Number(new RegExp(`^${series.replace(/[{}"]/g, "\\$&")} (\\S+)$`, "m").exec(text)?.[1]);

test("the web's /api/metrics answers a scraper with the token and an admin, in Prometheus' text format", async ({ request, page }) => {
  const scraped = await request.get("/api/metrics", { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
  expect(scraped.status()).toBe(200);
  expect(scraped.headers()["content-type"]).toMatch(/^text\/plain; version=0\.0\.4/);
  const text = await scraped.text();
  for (const name of ["tributary_sources", "tributary_alarm_sources", "tributary_notifications", "tributary_open_incidents", "tributary_workers_alive", "tributary_queue_jobs", "tributary_web_process_resident_memory_bytes"]) {
    expect(text, name).toContain(`# TYPE ${name} `);
  }
  // The suite's own worker reports every 15 s, and Redis answers.
  expect(sample(text, "tributary_workers_alive")).toBeGreaterThanOrEqual(1);
  expect(sample(text, "tributary_queue_up")).toBe(1);
  expect(sample(text, 'tributary_queue_jobs{queue="system",state="delayed"}')).toBeGreaterThanOrEqual(1);

  const wrong = await request.get("/api/metrics", { headers: { authorization: `Bearer ${METRICS_TOKEN}x` } });
  expect(wrong.status()).toBe(401);
  expect(await wrong.json()).toEqual({ error: { code: "unauthorized", message: "The bearer token is not this server's METRICS_TOKEN." } });

  const admin = await seedUser({ role: "ADMIN" });
  await signInViaApi(page, admin);
  const asAdmin = await page.request.get("/api/metrics");
  expect(asAdmin.status()).toBe(200);
  expect(await asAdmin.text()).toContain("# TYPE tributary_sources gauge");
});

test("the worker counts a source's pulls and events in its own metrics, and serves its probes", async ({ request, page }) => {
  test.setTimeout(90_000);
  const base = `http://127.0.0.1:${E2E_WORKER_HEALTH_PORT}`;
  const admin = await seedUser({ role: "ADMIN" });
  await signInViaApi(page, admin);
  const source = await onboardSlackSource(page, { name: `Metrics ${randomBytes(4).toString("hex")}`, logs: "team" });
  await pullNow(source.id, "Slack.AccessLogs");

  // The seeded workspace has a month of access history: the first pull stores some of it.
  const pulls = `tributary_pulls_total{source_id="${source.id}",log_type="Slack.AccessLogs",outcome="SUCCEEDED"}`;
  await expect.poll(async () => sample(await (await request.get(`${base}/metrics`)).text(), pulls), { timeout: 60_000 }).toBeGreaterThanOrEqual(1);
  const text = await (await request.get(`${base}/metrics`)).text();
  expect(sample(text, 'tributary_events_stored_total{log_type="Slack.AccessLogs"}')).toBeGreaterThan(0);
  expect(sample(text, 'tributary_pull_duration_seconds_count{log_type="Slack.AccessLogs"}')).toBeGreaterThanOrEqual(1);
  for (const name of ["tributary_events_duplicate_total", "tributary_classification_failures_total", "tributary_schedule_lag_seconds", "tributary_slack_rate_limited_total", "tributary_pull_errors_total", "tributary_pulls_paused_total"]) {
    expect(text, name).toContain(`# TYPE ${name} `);
  }
  expect(sample(text, "tributary_worker_process_resident_memory_bytes")).toBeGreaterThan(0);

  expect((await request.get(`${base}/healthz`)).status()).toBe(200);
  const ready = await request.get(`${base}/readyz`);
  expect(ready.status()).toBe(200);
  expect(await ready.json()).toMatchObject({ status: "ready", checks: { postgres: "ok", redis: "ok", migrations: "ok", queueConnection: "ok" } });
});
