"use client";

import { Badge } from "@/components/ui/badge";
import { RelativeTime } from "@/components/ui/relative-time";
import { useSystemStatus } from "@/features/system/client";
import type { SystemStatus } from "@/features/system/schema";

function ScheduledJobs({ jobs }: { jobs: SystemStatus["scheduledJobs"] }) {
  if (jobs.state === "never_ran") return <Badge tone="warning">Not yet run</Badge>;
  return (
    <span className="flex flex-wrap items-center gap-2">
      {jobs.state === "running" ? <Badge tone="success">Running</Badge> : <Badge tone="danger">Stalled</Badge>}
      <span className="text-slate-600">
        last <RelativeTime value={jobs.lastRunAt} />
      </span>
    </span>
  );
}

export function WorkerStatus() {
  const { data, error, isPending } = useSystemStatus();
  if (isPending) return <p className="text-sm text-slate-500">Checking the worker…</p>;
  if (error) return <p role="alert" className="text-sm text-red-700">Could not load the worker status. Retrying…</p>;
  const { worker, scheduledJobs } = data;
  if (worker.state === "never_seen") {
    return (
      <div className="flex flex-wrap items-center gap-3">
        <Badge tone="warning">Not running</Badge>
        <p className="text-sm text-slate-600">
          No worker has reported yet. Start one with <code className="font-mono">npm run worker</code>; nothing is pulled until it runs.
        </p>
      </div>
    );
  }
  return (
    <div className="space-y-4">
      <dl className="grid gap-x-8 gap-y-4 text-sm sm:grid-cols-4">
        <div>
          <dt className="text-slate-500">Worker</dt>
          <dd className="mt-1">{worker.state === "online" ? <Badge tone="success">Online</Badge> : <Badge tone="danger">Offline</Badge>}</dd>
        </div>
        <div>
          <dt className="text-slate-500">Last report</dt>
          <dd className="mt-1 font-medium text-slate-900">
            <RelativeTime value={worker.lastSeenAt} />
          </dd>
        </div>
        <div>
          <dt className="text-slate-500">Scheduled jobs</dt>
          <dd className="mt-1">
            <ScheduledJobs jobs={scheduledJobs} />
          </dd>
        </div>
        <div>
          <dt className="text-slate-500">Active workers</dt>
          <dd className="mt-1 font-medium text-slate-900">{worker.activeWorkers}</dd>
        </div>
      </dl>
      <p className="font-mono text-xs text-slate-500">
        Latest: {worker.hostname} · pid {worker.pid} · v{worker.version}
      </p>
      {worker.state === "offline" ? (
        <p role="status" className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-800">
          No worker has reported for over a minute, so no logs are being pulled. Check the worker process and its logs.
        </p>
      ) : scheduledJobs.state === "stalled" ? (
        <p role="status" className="rounded-md bg-amber-50 px-3 py-2 text-sm text-amber-900">
          The worker is running but scheduled jobs have stopped: check that Redis is reachable and look for errors in the worker logs.
        </p>
      ) : null}
    </div>
  );
}
