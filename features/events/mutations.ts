import type { PoolClient } from "pg";
import { withAdvisoryLock } from "@/lib/db";

// Partition maintenance of the events table (features/events/partitions.ts plans it). DDL cannot be
// parameterized: names and bounds come from Tributary's own month arithmetic, never from input, and
// are still quoted by pg as identifier and literal.

/** DDL waits at most this long for a lock, then fails and the job tries again: a queued ALTER would hold every insert behind it. */
const LOCK_TIMEOUT = "5s";
const DEFAULT_PARTITION = "events_default";

export type MaintenanceSession = PoolClient;

/** Runs `work` holding the maintenance lock, or returns `{ isLocked: false }` at once when another worker holds it. */
export async function withPartitionMaintenanceLock<T>(work: (session: MaintenanceSession) => Promise<T>): Promise<{ isLocked: true; value: T } | { isLocked: false }> {
  return withAdvisoryLock("events:partitions", work);
}

/** The partitions attached to events, by table name. */
export async function listEventPartitions(session: MaintenanceSession): Promise<string[]> {
  const { rows } = await session.query<{ name: string }>(
    `SELECT child.relname AS name FROM pg_inherits
     JOIN pg_class parent ON parent.oid = pg_inherits.inhparent
     JOIN pg_class child ON child.oid = pg_inherits.inhrelid
     WHERE parent.relname = 'events' AND parent.relnamespace = current_schema()::regnamespace`,
  );
  return rows.map((row) => row.name);
}

async function inTransaction<T>(session: MaintenanceSession, work: () => Promise<T>): Promise<T> {
  await session.query("BEGIN");
  try {
    await session.query(`SET LOCAL lock_timeout = '${LOCK_TIMEOUT}'`);
    const value = await work();
    await session.query("COMMIT");
    return value;
  } catch (error) {
    await session.query("ROLLBACK").catch(() => {});
    throw error;
  }
}

/**
 * Creates the partition of [from, to) and attaches it, after moving into it whatever events_default
 * holds for that range (Postgres refuses to attach a range the default partition has rows in).
 * events_default is locked first, so no insert can slip a row of that range in between.
 */
export async function attachEventPartition(session: MaintenanceSession, name: string, from: Date, to: Date): Promise<{ moved: number }> {
  const table = session.escapeIdentifier(name);
  const lower = session.escapeLiteral(from.toISOString());
  const upper = session.escapeLiteral(to.toISOString());
  return inTransaction(session, async () => {
    await session.query(`LOCK TABLE ${DEFAULT_PARTITION} IN ACCESS EXCLUSIVE MODE`);
    await session.query(`CREATE TABLE ${table} (LIKE events INCLUDING DEFAULTS)`);
    const moved = await session.query(
      `WITH moved AS (DELETE FROM ${DEFAULT_PARTITION} WHERE p_event_time >= ${lower} AND p_event_time < ${upper} RETURNING *)
       INSERT INTO ${table} SELECT * FROM moved`,
    );
    await session.query(`ALTER TABLE events ATTACH PARTITION ${table} FOR VALUES FROM (${lower}) TO (${upper})`);
    return { moved: moved.rowCount ?? 0 };
  });
}

/** Drops a whole month of events: one catalog change, however many rows it held. */
export async function dropEventPartition(session: MaintenanceSession, name: string): Promise<void> {
  await inTransaction(session, () => session.query(`DROP TABLE ${session.escapeIdentifier(name)}`));
}

/** Rows in events_default older than the cutoff: only records dated outside every planned month end up there. */
export async function deleteExpiredUnpartitionedEvents(session: MaintenanceSession, cutoff: Date): Promise<number> {
  const result = await inTransaction(session, () => session.query(`DELETE FROM ${DEFAULT_PARTITION} WHERE p_event_time < $1`, [cutoff]));
  return result.rowCount ?? 0;
}
