import { watchWorkers } from "@/features/alarms/jobs";
import { deliverDueNotifications } from "@/features/notifications/jobs";
import { getEnv } from "@/lib/env";
import { createMailSender } from "@/lib/mail";
import { webLogger } from "@/lib/web-logger";

// Runs in each web process (started from instrumentation.ts): the worker cannot report its own
// absence, so the web watches the workers' heartbeats. While no worker runs, nobody else would
// deliver the outbox either, so the web sends the "no worker running" notice itself.

const WATCH_INTERVAL_MS = 60_000;

export function startWorkerWatchdog(): () => void {
  const sender = createMailSender(getEnv().SMTP_URL);
  const logger = webLogger.child({ component: "worker-watchdog" });
  let isBusy = false;
  const tick = async () => {
    if (isBusy) return;
    isBusy = true;
    try {
      const { isWorkerDown } = await watchWorkers(logger);
      if (isWorkerDown) await deliverDueNotifications(sender, logger, { limit: 10 });
    } catch (error) {
      logger.warn({ err: error instanceof Error ? error.message : String(error) }, "worker watchdog check failed; will retry");
    } finally {
      isBusy = false;
    }
  };
  const timer = setInterval(() => void tick(), WATCH_INTERVAL_MS);
  timer.unref();
  return () => {
    clearInterval(timer);
    sender.close();
  };
}
