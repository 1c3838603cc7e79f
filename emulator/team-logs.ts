// STUB: replaced by the team.accessLogs / team.integrationLogs implementation (owner: team-logs helper).
import { webApiError, type Reply, type RequestContext } from "@/emulator/http";
import type { EmulatorState } from "@/emulator/state";

export function seedTeamLogsHistory(_state: EmulatorState, _now: number): void {}
export function generateAccessActivity(_state: EmulatorState, _teamId: string, _count: number, _now: number): void {}
export function generateIntegrationChanges(_state: EmulatorState, _teamId: string, _count: number, _now: number): void {}
export function handleAccessLogs(_context: RequestContext): Reply {
  return webApiError("not_implemented");
}
export function handleIntegrationLogs(_context: RequestContext): Reply {
  return webApiError("not_implemented");
}
export function accessGroundTruth(_state: EmulatorState, _query: URLSearchParams): object {
  return { rows: [] };
}
export function integrationGroundTruth(_state: EmulatorState, _query: URLSearchParams): object {
  return { entries: [] };
}
