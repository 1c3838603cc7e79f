import { parseArgs } from "node:util";
import { startEmulator } from "@/emulator/server";

// `npm run emulator -- [--port 3400] [--seed 42] [--speed-up 1] [--latency-ms 0] [--paused] [--empty]`.
// Flags win over EMULATOR_PORT / EMULATOR_SEED / EMULATOR_SPEED_UP / EMULATOR_LATENCY_MS.

const USAGE = "usage: npm run emulator -- [--port N] [--host H] [--seed S] [--speed-up N] [--latency-ms N] [--paused] [--empty]";

function positiveNumber(value: string | undefined, name: string, fallback: number): number {
  if (value === undefined || value === "") return fallback;
  const number = Number(value);
  if (!Number.isFinite(number) || number < 0) {
    console.error(`emulator: ${name} must be a non-negative number, got "${value}"\n${USAGE}`);
    process.exit(2);
  }
  return number;
}

async function main() {
  const { values } = parseArgs({
    options: {
      port: { type: "string" },
      host: { type: "string" },
      seed: { type: "string" },
      "speed-up": { type: "string" },
      "latency-ms": { type: "string" },
      paused: { type: "boolean" },
      empty: { type: "boolean" },
      help: { type: "boolean" },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return;
  }
  const emulator = await startEmulator({
    port: positiveNumber(values.port ?? process.env.EMULATOR_PORT, "--port", 3400),
    host: values.host ?? process.env.EMULATOR_HOST ?? "127.0.0.1",
    seed: values.seed ?? process.env.EMULATOR_SEED ?? 1,
    speedUp: positiveNumber(values["speed-up"] ?? process.env.EMULATOR_SPEED_UP, "--speed-up", 1) || 1,
    latencyMs: positiveNumber(values["latency-ms"] ?? process.env.EMULATOR_LATENCY_MS, "--latency-ms", 0),
    traffic: { isPaused: Boolean(values.paused) },
    isEmpty: Boolean(values.empty),
  });
  console.log(
    JSON.stringify({
      message: "Slack emulator listening",
      url: emulator.url,
      SLACK_API_URL: emulator.slackApiUrl,
      SLACK_AUDIT_API_URL: emulator.slackAuditApiUrl,
      SLACK_OAUTH_AUTHORIZE_URL: emulator.slackOAuthAuthorizeUrl,
      control: emulator.controlUrl,
    }),
  );
  const stop = () => void emulator.stop().then(() => process.exit(0));
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
}

main().catch((error: unknown) => {
  console.error(`emulator: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
