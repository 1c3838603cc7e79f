// Latency of API calls as a signed-in browser makes them: one request at a time by default (the p95
// of "an API call" is that of a request nobody else competes with), the body read to the end.

export type Response = { status: number; ms: number; body: string };

export type HttpClient = { get: (path: string) => Promise<Response> };

export function createHttpClient(baseUrl: string, cookie: string): HttpClient {
  return {
    async get(path) {
      const startedAt = performance.now();
      const response = await fetch(`${baseUrl}${path}`, { headers: { cookie, accept: "application/json" }, redirect: "manual" });
      const body = await response.text();
      return { status: response.status, ms: performance.now() - startedAt, body };
    },
  };
}

/**
 * One measured API call. `path` picks the request for each sample (a random source, IP, page…) so
 * that no cache sees the same query twice in a row; it may make untimed requests of its own (to
 * follow a cursor), and only the request for the path it returns is timed.
 */
export type Endpoint = {
  name: string;
  group: string;
  targetMs: number;
  path: (client: HttpClient) => Promise<string>;
};

export type Latency = { p50: number; p95: number; p99: number; max: number; mean: number };

export type EndpointResult = {
  name: string;
  group: string;
  targetMs: number;
  /** "missing" when the route answered 404 to the first request: not built yet. */
  outcome: "ok" | "slow" | "errors" | "missing";
  requests: number;
  concurrency: number;
  latencyMs: Latency | null;
  /** Non-200 answers by status; they are not in the latency figures. */
  errors: Record<string, number>;
  /** The first error's body, cut short: what to look at first. */
  firstError: string | null;
  examplePath: string;
};

/** Nearest-rank percentile of sorted values. */
export function percentile(sorted: readonly number[], fraction: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil(fraction * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))]!;
}

export function summarizeLatencies(values: readonly number[]): Latency | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const round = (value: number) => Math.round(value * 10) / 10;
  return {
    p50: round(percentile(sorted, 0.5)),
    p95: round(percentile(sorted, 0.95)),
    p99: round(percentile(sorted, 0.99)),
    max: round(sorted.at(-1)!),
    mean: round(sorted.reduce((sum, value) => sum + value, 0) / sorted.length),
  };
}

export async function measureEndpoint(
  client: HttpClient,
  endpoint: Endpoint,
  options: { warmup: number; requests: number; concurrency: number },
): Promise<EndpointResult> {
  const base = { name: endpoint.name, group: endpoint.group, targetMs: endpoint.targetMs, requests: options.requests, concurrency: options.concurrency };
  const examplePath = await endpoint.path(client);
  const first = await client.get(examplePath);
  if (first.status === 404) {
    return { ...base, outcome: "missing", requests: 0, latencyMs: null, errors: { "404": 1 }, firstError: first.body.slice(0, 300), examplePath };
  }
  for (let index = 1; index < options.warmup; index += 1) await client.get(await endpoint.path(client));

  const latencies: number[] = [];
  const errors: Record<string, number> = {};
  let firstError: string | null = null;
  let started = 0;
  const worker = async () => {
    while (started < options.requests) {
      started += 1;
      const response = await client.get(await endpoint.path(client));
      if (response.status === 200) {
        latencies.push(response.ms);
      } else {
        errors[String(response.status)] = (errors[String(response.status)] ?? 0) + 1;
        firstError ??= response.body.slice(0, 300);
      }
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, worker));
  const latencyMs = summarizeLatencies(latencies);
  const hasErrors = Object.keys(errors).length > 0;
  const outcome = hasErrors ? "errors" : latencyMs && latencyMs.p95 < endpoint.targetMs ? "ok" : "slow";
  return { ...base, outcome, latencyMs, errors, firstError, examplePath };
}
