import { randomBytes } from "node:crypto";
import { expect, test } from "@playwright/test";
import { configuredSecrets, secretsIn, type KnownSecret } from "./fixtures/logs";
import { discoverPages, discoverRoutes, samplePath } from "./fixtures/routes";
import { onboardSlackSource, storedAccessToken } from "./fixtures/sources";
import { seedUser, signInViaApi, testDatabase } from "./fixtures/users";
import { ConsolePage, SECTIONS } from "./pages/console-page";

// An admin sees the most, so an admin walks everything: every page and every GET route the route
// tree holds (a new one is walked without anyone adding it here), for a source that holds both of
// its secrets (the client secret and the token Slack issued) and has pulled. No response, the RSC
// payloads of client-side navigations and prefetches included, may carry one of them or a key the
// servers hold. The log lines of the whole run are checked by e2e/logs.spec.ts.

type Body = { url: string; text: string };

test("no page or API response an admin can load holds a client secret, a Slack token or a server key", async ({ page, baseURL }) => {
  test.setTimeout(120_000);
  const admin = await seedUser({ role: "ADMIN" });
  await signInViaApi(page, admin);
  const source = await onboardSlackSource(page, { name: `Secrets walk ${randomBytes(4).toString("hex")}`, logs: "team" });
  // Pulled, so the pull history, throughput and explorer pages have something to show.
  const pulledLogTypes = async () => (await testDatabase().pullRun.findMany({ where: { sourceId: source.id, outcome: "SUCCEEDED" }, distinct: ["logType"], select: { logType: true } })).length;
  await expect.poll(pulledLogTypes, { timeout: 30_000 }).toBe(2);
  const token = await storedAccessToken(source.id);
  expect(token).toMatch(/^xoxp-/);
  const secrets: KnownSecret[] = [{ label: "the app's client secret", value: source.app.clientSecret }, { label: "the Slack access token", value: token! }, ...configuredSecrets()];

  const bodies: Body[] = [];
  let reads: Promise<void>[] = [];
  page.on("response", (response) => {
    if (new URL(response.url()).origin !== baseURL) return;
    // Redirects have no body to read; everything else is kept, whatever its type.
    reads.push(response.body().then((body) => void bodies.push({ url: response.url(), text: body.toString("utf8") }), () => undefined));
  });
  // A page's bodies must be read before the next navigation throws them away.
  const settle = async () => {
    await page.waitForLoadState("networkidle");
    await Promise.all(reads);
    reads = [];
  };

  const samples = { "[id]": source.id, "[token]": "not-a-real-token-000000000000", "[...nextauth]": "session" };
  for (const pattern of discoverPages()) {
    await page.goto(samplePath(pattern, samples));
    await settle();
  }
  // Moving within the console fetches RSC payloads instead of HTML: through every section and every tab of the source.
  const consolePage = new ConsolePage(page);
  for (const section of SECTIONS) {
    await consolePage.open(section);
    await settle();
  }
  await page.goto(`/sources/${source.id}`);
  const tabs = page.getByRole("navigation", { name: "Source sections" }).getByRole("link");
  for (let index = 0; index < (await tabs.count()); index += 1) {
    await tabs.nth(index).click();
    await expect(tabs.nth(index)).toHaveAttribute("aria-current", "page");
    await settle();
  }

  const apiPaths = [
    ...discoverRoutes()
      .filter((route) => route.startsWith("GET "))
      .map((route) => samplePath(route.slice("GET ".length), samples)),
    // next-auth's other readable endpoints, and both export formats.
    "/api/auth/csrf",
    "/api/auth/providers",
    "/api/events/export?format=ndjson",
    "/api/events/export?format=csv",
  ];
  for (const path of apiPaths) {
    const response = await page.request.get(path, { maxRedirects: 0 });
    expect(response.status(), path).toBeLessThan(500);
    bodies.push({ url: path, text: await response.text() });
  }

  // What was read is the console itself: the source's pages with the client ID (which is not
  // secret), its events, and RSC payloads, not only error pages or empty bodies.
  expect(bodies.filter((body) => body.text.includes(source.app.clientId)).length).toBeGreaterThan(0);
  expect(bodies.filter((body) => body.text.includes(source.name)).length).toBeGreaterThan(5);
  expect(bodies.filter((body) => new URL(body.url, baseURL).searchParams.has("_rsc")).length).toBeGreaterThan(0);
  const leaks = bodies.flatMap((body) => secretsIn(body.text, secrets).map((label) => `${body.url}: ${label}`));
  expect(leaks).toEqual([]);
});
