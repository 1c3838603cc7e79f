import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startDeadline } from "@/lib/deadline";

// The deadline must fire while the garbage collector runs often, as it does in a worker normalizing
// 10,000-event pages: the AbortSignal.any()/AbortSignal.timeout() pair it replaced did not.

setFlagsFromString("--expose-gc");
const collectGarbage = runInNewContext("gc") as () => void;

let server: Server;
let baseUrl = "";

beforeAll(async () => {
  // "/" never answers; "/body" sends its headers and half a body, then stalls.
  server = createServer((request, response) => {
    if (request.url === "/body") {
      response.writeHead(200, { "content-type": "application/json" });
      response.write('{"entries":[');
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

/** How a fetch of `path` ends, body included, while collections run every 10 ms; "hung" after 5 s. */
async function fetchUnderGcPressure(path: string, signal: AbortSignal): Promise<string> {
  const pressure = setInterval(() => {
    collectGarbage();
    Array.from({ length: 50_000 }, (_, index) => ({ index }));
  }, 10);
  const outcome = (async () => {
    try {
      await (await fetch(`${baseUrl}${path}`, { signal })).text();
      return "answered";
    } catch (error) {
      return error instanceof Error ? error.name : String(error);
    }
  })();
  let watchdog: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([outcome, new Promise<string>((resolve) => (watchdog = setTimeout(() => resolve("hung"), 5_000)))]);
  } finally {
    clearInterval(pressure);
    clearTimeout(watchdog);
  }
}

describe("startDeadline", () => {
  it.each(["/", "/body"])("times out a request to %s that never finishes, every time, however often memory is collected", async (path) => {
    const outcomes: string[] = [];
    for (let attempt = 0; attempt < 5; attempt += 1) {
      const deadline = startDeadline(300, new AbortController().signal);
      outcomes.push(await fetchUnderGcPressure(path, deadline.signal));
      deadline.dispose();
    }
    expect(outcomes).toEqual(Array(5).fill("TimeoutError"));
  });

  it("aborts with the parent's reason when the parent aborts first", async () => {
    const shutdown = new AbortController();
    const deadline = startDeadline(60_000, shutdown.signal);
    setTimeout(() => shutdown.abort(new DOMException("worker stopping", "AbortError")), 300);
    expect(await fetchUnderGcPressure("/body", deadline.signal)).toBe("AbortError");
    expect(deadline.signal.reason).toBe(shutdown.signal.reason);
    deadline.dispose();
  });

  it("is aborted from the start when the parent already is", () => {
    const shutdown = new AbortController();
    shutdown.abort(new DOMException("worker stopping", "AbortError"));
    const deadline = startDeadline(60_000, shutdown.signal);
    expect(deadline.signal.aborted).toBe(true);
    deadline.dispose();
  });

  it("never fires once disposed, and stops listening to the parent", async () => {
    const shutdown = new AbortController();
    const deadline = startDeadline(50, shutdown.signal);
    deadline.dispose();
    await new Promise((resolve) => setTimeout(resolve, 150));
    shutdown.abort();
    expect(deadline.signal.aborted).toBe(false);
  });
});
