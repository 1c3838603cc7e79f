import type { Logger } from "pino";
import { attachEventPartition, deleteExpiredUnpartitionedEvents, dropEventPartition, listEventPartitions, withPartitionMaintenanceLock } from "@/features/events/mutations";
import { addMonths, partitionNameOf, planEventPartitions } from "@/features/events/partitions";

export type PartitionMaintenance = { created: string[]; dropped: string[]; movedFromDefault: number; expiredFromDefault: number; isSkipped: boolean };

/**
 * One pass of the partition job. Any number of workers may run it at once: they take turns on an
 * advisory lock, and whoever comes second finds nothing left to do (or skips while the first works).
 */
export async function maintainEventPartitions(options: { now?: Date; retentionDays: number; logger: Logger }): Promise<PartitionMaintenance> {
  const now = options.now ?? new Date();
  const outcome = await withPartitionMaintenanceLock(async (session) => {
    const plan = planEventPartitions({ now, retentionDays: options.retentionDays, existing: await listEventPartitions(session) });
    const result: PartitionMaintenance = { created: [], dropped: [], movedFromDefault: 0, expiredFromDefault: 0, isSkipped: false };
    for (const month of plan.create) {
      const name = partitionNameOf(month);
      const { moved } = await attachEventPartition(session, name, month, addMonths(month, 1));
      result.created.push(name);
      result.movedFromDefault += moved;
    }
    for (const name of plan.drop) {
      await dropEventPartition(session, name);
      result.dropped.push(name);
    }
    result.expiredFromDefault = await deleteExpiredUnpartitionedEvents(session, plan.cutoff);
    return result;
  });
  if (!outcome.isLocked) return { created: [], dropped: [], movedFromDefault: 0, expiredFromDefault: 0, isSkipped: true };
  const result = outcome.value;
  if (result.created.length || result.dropped.length || result.movedFromDefault || result.expiredFromDefault) {
    options.logger.info({ event: "event_partitions_maintained", retentionDays: options.retentionDays, ...result }, "event partitions maintained");
  }
  return result;
}
