import { generateAuditEvents, pruneAuditEntries } from "@/emulator/audit";
import type { EmulatorState } from "@/emulator/state";
import { generateAccessActivity, generateIntegrationChanges, pruneTeamLogs } from "@/emulator/team-logs";
import { workspacesWithLogs } from "@/emulator/world";

// Keeps the world busy: audit events for the org, access-log activity and integration changes for
// every workspace that has those logs. Rates are per minute per org/workspace; fractions carry
// over between ticks so low rates still produce their events.

const TICK_MS = 1000;
const PRUNE_EVERY_TICKS = 60;

export type TrafficGenerator = { stop(): void; runOnce(elapsedSeconds: number): void; reset(): void };

/** Drops what is older than the retention and authorization codes past their expiry. */
export function pruneState(state: EmulatorState) {
  const now = state.now();
  pruneAuditEntries(state, now - state.retentionSeconds.audit);
  pruneTeamLogs(state, now - state.retentionSeconds.teamLogs);
  for (const [code, grant] of state.codes) if (grant.expiresAt < now) state.codes.delete(code);
}

export function startTraffic(state: EmulatorState): TrafficGenerator {
  const carry = new Map<string, number>();
  const due = (key: string, perMinute: number, elapsedSeconds: number) => {
    const total = (carry.get(key) ?? 0) + (perMinute * elapsedSeconds) / 60;
    const whole = Math.floor(total);
    carry.set(key, total - whole);
    return whole;
  };
  const runOnce = (elapsedSeconds: number) => {
    if (state.traffic.isPaused) return;
    const now = state.now();
    const { rates } = state.traffic;
    const audit = due("audit", rates.auditPerMinute, elapsedSeconds);
    if (audit > 0) generateAuditEvents(state, audit, now);
    for (const { id: teamId } of workspacesWithLogs(state.world)) {
      const access = due(`access:${teamId}`, rates.accessPerMinute, elapsedSeconds);
      if (access > 0) generateAccessActivity(state, teamId, access, now);
      const integration = due(`integration:${teamId}`, rates.integrationPerMinute, elapsedSeconds);
      if (integration > 0) generateIntegrationChanges(state, teamId, integration, now);
    }
  };
  let last = Date.now();
  let ticks = 0;
  const timer = setInterval(() => {
    const current = Date.now();
    runOnce((current - last) / 1000);
    last = current;
    ticks += 1;
    if (ticks % PRUNE_EVERY_TICKS === 0) pruneState(state);
  }, TICK_MS);
  timer.unref();
  return { stop: () => clearInterval(timer), runOnce, reset: () => carry.clear() };
}
