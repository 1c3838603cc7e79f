import { randomBytes } from "node:crypto";
import { expect, test } from "@playwright/test";
import { recordSecret } from "./fixtures/logs";
import { seedUser, signInViaApi } from "./fixtures/users";
import { ApiTokensPage } from "./pages/api-tokens-page";

test("an admin creates an API token, sees it once, uses it, and revokes it", async ({ page, request, baseURL }) => {
  const admin = await seedUser({ role: "ADMIN" });
  await signInViaApi(page, admin);
  const tokens = new ApiTokensPage(page);
  await tokens.open();

  const name = `ci-${randomBytes(4).toString("hex")}`;
  const token = await tokens.create({ name, access: "Read and write", expiresAfter: "30 days" });
  expect(token).toMatch(/^trb_[A-Za-z0-9_-]{43}$/);
  // The log scan after every spec (e2e/logs.spec.ts) checks that no line holds it.
  recordSecret(`API token ${name}`, token);
  await expect(tokens.row(name)).toContainText(token.slice(0, 12));
  await expect(tokens.row(name)).toContainText("Active");

  // Shown once: after a reload the list has its prefix only.
  await page.reload();
  await expect(tokens.newToken).toHaveCount(0);
  await expect(page.getByText(token)).toHaveCount(0);

  // A program, without the session: the `request` fixture carries no cookie.
  const sourceName = `API e2e ${randomBytes(4).toString("hex")}`;
  const created = await request.post("/api/v1/sources", {
    headers: { authorization: `Bearer ${token}` },
    data: { name: sourceName, plan: "PAID", logTypes: ["Slack.AccessLogs"] },
  });
  expect(created.status()).toBe(201);
  const listed = await request.get(`/api/v1/sources?q=${encodeURIComponent(sourceName)}`, { headers: { authorization: `Bearer ${token}` } });
  expect(((await listed.json()) as { sources: { name: string }[] }).sources.map((source) => source.name)).toEqual([sourceName]);

  await tokens.open();
  await expect(tokens.row(name)).not.toContainText("Never");
  await tokens.revoke(name);
  await expect(tokens.row(name)).toContainText("Revoked");

  const refused = await request.get("/api/v1/sources", { headers: { authorization: `Bearer ${token}` } });
  expect(refused.status()).toBe(401);
  expect(((await refused.json()) as { error: { message: string } }).error.message).toContain("revoked");

  const document = await request.get(`${baseURL}/api/v1/openapi.json`);
  expect(document.status()).toBe(200);
  expect(((await document.json()) as { openapi: string }).openapi).toBe("3.1.0");

  // The audit trail says who did what: the admin made and revoked the token, the token created the source.
  await page.goto("/settings/audit");
  await page.getByLabel("Target").fill(sourceName);
  await page.getByRole("button", { name: "Apply filters" }).click();
  await expect(page.getByRole("row").filter({ hasText: "Source created" })).toContainText(`API token ${name} (by ${admin.email})`);
});
