import { existsSync, readFileSync } from "node:fs";
import { expect, test } from "@playwright/test";
import { configuredSecrets, E2E_LOG_FILES, recordedSecrets, secretsIn } from "./fixtures/logs";
import { storedSecrets } from "./fixtures/sources";

// Runs after every other spec (playwright.config.ts: project "logs", the teardown of "chromium"),
// over everything the web server and the worker printed meanwhile: not one line may hold a secret. The secrets are those the
// run made (each Slack app's client secret, recorded by the fixture that registered it), those
// Tributary still stores (client secrets and the tokens Slack issued, decrypted from the end-to-end
// database), the servers' own (NEXTAUTH_SECRET, the encryption keys), and anything shaped like a
// Slack token or authorization code, whose values the scan cannot know in advance (a token that was
// revoked, a source that was deleted).

test("no line the web server or the worker logged holds a secret", async () => {
  const secrets = [...configuredSecrets(), ...recordedSecrets(), ...(await storedSecrets())];
  for (const [service, file] of Object.entries(E2E_LOG_FILES)) {
    expect(existsSync(file), `${service} log ${file}`).toBe(true);
    const lines = readFileSync(file, "utf8").split("\n");
    // The web server logs every request and the worker every pull: an empty file means the capture broke.
    expect(lines.filter(Boolean).length, `${service} log lines`).toBeGreaterThan(0);
    const leaks = lines.flatMap((line, index) => secretsIn(line, secrets).map((label) => `${file}:${index + 1}: ${label}`));
    expect(leaks, `secrets in the ${service} log`).toEqual([]);
  }
});
