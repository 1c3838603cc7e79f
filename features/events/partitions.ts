// Events live in one partition per calendar month (UTC) of p_event_time, named events_YYYY_MM, plus
// events_default for any row whose month has no partition yet (see the events_partitioned
// migration). The partition job (features/events/jobs.ts) keeps that shape: it creates the months
// from the retention cutoff to a few months ahead, moving in what events_default holds for them,
// and drops whole months once every event in them is older than the retention. Retention never
// deletes row by row, except from events_default, which only holds rows dated outside the planned
// months.

/** Months created ahead of the current one, so the clock never reaches a month without its partition. */
export const MONTHS_AHEAD = 3;

const PARTITION_NAME = /^events_(\d{4})_(\d{2})$/;

export type EventPartitionPlan = {
  /** Events older than this are removed (or never kept): now minus the retention. */
  cutoff: Date;
  /** First days of the months that need a partition and have none, oldest first. */
  create: Date[];
  /** Monthly partitions whose whole month is older than the cutoff. */
  drop: string[];
};

export function monthStartOf(time: Date): Date {
  return new Date(Date.UTC(time.getUTCFullYear(), time.getUTCMonth(), 1));
}

export function addMonths(monthStart: Date, months: number): Date {
  return new Date(Date.UTC(monthStart.getUTCFullYear(), monthStart.getUTCMonth() + months, 1));
}

export function partitionNameOf(monthStart: Date): string {
  return `events_${monthStart.getUTCFullYear()}_${String(monthStart.getUTCMonth() + 1).padStart(2, "0")}`;
}

/** The month a partition named events_YYYY_MM holds, or null for any other table (events_default). */
export function monthOfPartition(name: string): Date | null {
  const match = PARTITION_NAME.exec(name);
  if (!match) return null;
  const month = Number(match[2]);
  return month >= 1 && month <= 12 ? new Date(Date.UTC(Number(match[1]), month - 1, 1)) : null;
}

export function planEventPartitions(input: { now: Date; retentionDays: number; existing: readonly string[] }): EventPartitionPlan {
  const cutoff = new Date(input.now.getTime() - input.retentionDays * 86_400_000);
  const existing = new Set(input.existing);
  const create: Date[] = [];
  for (let month = monthStartOf(cutoff), last = addMonths(monthStartOf(input.now), MONTHS_AHEAD); month <= last; month = addMonths(month, 1)) {
    if (!existing.has(partitionNameOf(month))) create.push(month);
  }
  // A month goes when its last instant is older than the cutoff: until then it still holds events
  // inside the retention, so an event is kept at least the retention and at most a month longer.
  const drop = input.existing.filter((name) => {
    const month = monthOfPartition(name);
    return month !== null && addMonths(month, 1) <= cutoff;
  });
  return { cutoff, create, drop: drop.sort() };
}
