"use client";

import { Badge } from "@/components/ui/badge";
import { RelativeTime } from "@/components/ui/relative-time";
import { useSystemStatus } from "@/features/system/client";

export function WorkerStatus() {
  const { data, error, isPending } = useSystemStatus();
  if (isPending) return <p className="text-sm text-slate-500">Checking the worker…</p>;
  if (error) return <p role="alert" className="text-sm text-red-700">Could not load the worker status. Retrying…</p>;
  const { worker } = data;
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
    <dl className="grid gap-x-8 gap-y-3 text-sm sm:grid-cols-4">
      <div>
        <dt className="text-slate-500">Worker</dt>
        <dd className="mt-1">{worker.state === "online" ? <Badge tone="success">Online</Badge> : <Badge tone="danger">Offline</Badge>}</dd>
      </div>
      <div>
        <dt className="text-slate-500">Last heartbeat</dt>
        <dd className="mt-1 font-medium text-slate-900">
          <RelativeTime value={worker.lastSeenAt} />
        </dd>
      </div>
      <div>
        <dt className="text-slate-500">Active workers</dt>
        <dd className="mt-1 font-medium text-slate-900">{worker.activeWorkers}</dd>
      </div>
      <div>
        <dt className="text-slate-500">Latest</dt>
        <dd className="mt-1 truncate font-mono text-xs text-slate-700" title={`${worker.hostname} pid ${worker.pid}`}>
          {worker.hostname} · pid {worker.pid} · v{worker.version}
        </dd>
      </div>
    </dl>
  );
}
