// STUB: replaced by the audit-logs implementation (owner: audit helper).
import { auditError } from "@/emulator/auth";
import { json, type Reply, type RequestContext } from "@/emulator/http";
import type { AuditEntry, BulkAuditConfig, EmulatorState } from "@/emulator/state";

export function seedAuditHistory(_state: EmulatorState, _now: number): void {}
export function generateAuditEvents(_state: EmulatorState, _count: number, _now: number): AuditEntry[] {
  return [];
}
export function configureBulkAudit(state: EmulatorState, config: BulkAuditConfig | null): void {
  state.bulkAudit = config;
}
export function handleAuditLogs(_context: RequestContext): Reply {
  return auditError(501, "not_implemented");
}
export function handleAuditSchemas(_context: RequestContext): Reply {
  return json({ schemas: [] });
}
export function handleAuditActions(_context: RequestContext): Reply {
  return json({ actions: {} });
}
export function auditGroundTruth(_state: EmulatorState, _query: URLSearchParams): object {
  return { events: [] };
}
