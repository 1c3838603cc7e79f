import type { Logger } from "pino";
import { listUnfinishedErasures } from "@/features/sources/data";
import { deleteEventsOf } from "@/features/sources/mutations";

/** Per run, so one huge erasure never holds the system queue (alarms, the outbox) for long. */
const ERASURE_BATCHES_PER_RUN = 20;

/** Finishes erasing the events of deleted sources whose deletion asked for it; the next run goes on. */
export async function finishEventErasures(logger: Logger): Promise<{ sources: number; events: number }> {
  let budget = ERASURE_BATCHES_PER_RUN;
  const total = { sources: 0, events: 0 };
  for (const sourceId of await listUnfinishedErasures()) {
    if (budget <= 0) break;
    const erased = await deleteEventsOf(sourceId, { maxBatches: budget });
    budget -= Math.max(1, Math.ceil((erased.events + erased.failures) / 10_000));
    total.sources += 1;
    total.events += erased.events;
    logger.info({ event: "source_events_erased", sourceId, events: erased.events, failures: erased.failures, isDone: erased.isDone }, "erased events of a deleted source");
  }
  return total;
}
