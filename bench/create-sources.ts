import { parseArgs } from "node:util";
import { CLI_ACTOR } from "@/features/audit/schema";
import { createGrantedSource } from "@/features/sources/mutations";
import { ALARM_DEFAULT_MINUTES } from "@/features/sources/schema";
import { disconnectDatabase } from "@/lib/db";
import { getEnv } from "@/lib/env";
import { auditGrantOf } from "@/scripts/lib/test-sources";

// `node --import tsx bench/create-sources.ts --control URL --count N [--backfill-minutes M] [--first K]`,
// run by the bench with the worker's environment: N granted, active audit-log sources, each with its
// own token minted by the emulator and stored the way the console stores one (encrypted, audited),
// so the worker pulls them exactly as it would pull sources set up through the wizard.

const SIDE_BY_SIDE = 8;

async function control<T>(controlUrl: string, path: string, body: unknown): Promise<T> {
  const response = await fetch(`${controlUrl}${path}`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
  if (!response.ok) throw new Error(`emulator ${path}: HTTP ${response.status} ${await response.text()}`);
  return (await response.json()) as T;
}

async function main() {
  const { values } = parseArgs({
    options: { control: { type: "string" }, count: { type: "string" }, "backfill-minutes": { type: "string", default: "60" }, first: { type: "string", default: "1" } },
  });
  const count = Number(values.count);
  const first = Number(values.first);
  const backfillMinutes = Number(values["backfill-minutes"]);
  if (!values.control || !Number.isSafeInteger(count) || count < 1 || !Number.isSafeInteger(first) || !Number.isSafeInteger(backfillMinutes)) {
    throw new Error("usage: create-sources.ts --control URL --count N [--backfill-minutes M] [--first K]");
  }
  getEnv();
  const app = await control<{ clientId: string; clientSecret: string }>(values.control, "/apps", {
    name: `Bench ${first}`,
    redirectUrls: ["http://127.0.0.1/api/oauth/slack/callback"],
    userScopes: ["auditlogs:read"],
    botScopes: [],
  });
  let next = first;
  const last = first + count - 1;
  const createOne = async (number: number) => {
    const token = await control<{ value: string; userId: string; enterpriseId: string }>(values.control!, "/tokens", { clientId: app.clientId, isEnterpriseInstall: true });
    const created = await createGrantedSource(
      {
        config: { name: `Bench org ${String(number).padStart(6, "0")}`, plan: "ENTERPRISE_GRID", logTypes: ["Slack.AuditLogs"], backfillMinutes },
        clientId: app.clientId,
        clientSecret: app.clientSecret,
        alarm: { isEnabled: false, thresholdMinutes: ALARM_DEFAULT_MINUTES, recipients: [] },
        grant: auditGrantOf(token),
      },
      { actor: CLI_ACTOR },
    );
    if (!created.ok) throw new Error(`source ${number}: ${created.reason}`);
  };
  await Promise.all(
    Array.from({ length: Math.min(SIDE_BY_SIDE, count) }, async () => {
      while (next <= last) await createOne(next++);
    }),
  );
  console.log(JSON.stringify({ created: count }));
}

main()
  .catch((error: unknown) => {
    console.error(`create-sources: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  })
  .finally(() => void disconnectDatabase());
