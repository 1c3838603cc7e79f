"use client";

import { FileWarning, History, ScrollText } from "lucide-react";
import { useState } from "react";
import { Badge, type Tone } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card, CardHeader } from "@/components/ui/card";
import { cn } from "@/components/ui/cn";
import { CopyButton } from "@/components/ui/copy-button";
import { EmptyState } from "@/components/ui/empty-state";
import { Alert, Select } from "@/components/ui/field";
import { RelativeTime } from "@/components/ui/relative-time";
import { TableHead } from "@/components/ui/table";
import { AuditEntriesTable } from "@/features/audit/components/audit-trail";
import { PULL_OUTCOME_LABELS } from "@/features/pulls/schema";
import { useClassificationFailures, usePullHistory, useSourceAudit, type PullHistoryFilters } from "@/features/sources/client";
import { isLogType, LOG_TYPE_INFO, type LogType, type PullHistoryPage } from "@/features/sources/schema";

// The source page's record tabs: every pull, every record kept aside, every change made to it.

const OUTCOME_TONES: Record<PullHistoryPage["runs"][number]["outcome"], Tone> = { SUCCEEDED: "success", INCOMPLETE: "warning", FAILED: "danger", ABANDONED: "warning", RUNNING: "info" };
const TRIGGER_LABELS = { SCHEDULED: "Scheduled", MANUAL: "Manual", REPLAY: "Replay" } as const;

function describeDuration(ms: number | null): string {
  if (ms === null) return "—";
  if (ms < 1000) return `${ms} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  return `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`;
}

const logTypeLabel = (logType: string) => (isLogType(logType) ? LOG_TYPE_INFO[logType].label : logType);
const count = (value: number) => value.toLocaleString("en");

export function PullHistory({ sourceId, logTypes, initialData }: { sourceId: string; logTypes: readonly LogType[]; initialData: PullHistoryPage }) {
  const [filters, setFilters] = useState<PullHistoryFilters>({});
  const isFirstView = !filters.logType && !filters.outcome && (filters.page ?? 1) === 1;
  const { data, error, isPlaceholderData } = usePullHistory(sourceId, filters, isFirstView ? initialData : undefined);
  const pageCount = data ? Math.max(1, Math.ceil(data.total / data.pageSize)) : 1;
  return (
    <Card>
      <CardHeader title="Pull history" description="Every pull of every log type, newest first: what Slack returned and what Tributary stored." />
      <div className="flex flex-wrap gap-4 border-b border-slate-100 px-5 py-3">
        <label className="flex items-center gap-2 text-xs font-medium whitespace-nowrap text-slate-600">
          Log type
          <Select value={filters.logType ?? ""} onChange={(event) => setFilters({ ...filters, logType: event.target.value || undefined, page: undefined })}>
            <option value="">All</option>
            {logTypes.map((logType) => (
              <option key={logType} value={logType}>
                {LOG_TYPE_INFO[logType].label}
              </option>
            ))}
          </Select>
        </label>
        <label className="flex items-center gap-2 text-xs font-medium whitespace-nowrap text-slate-600">
          Outcome
          <Select value={filters.outcome ?? ""} onChange={(event) => setFilters({ ...filters, outcome: event.target.value || undefined, page: undefined })}>
            <option value="">All</option>
            {Object.entries(PULL_OUTCOME_LABELS).map(([value, label]) => (
              <option key={value} value={value}>
                {label}
              </option>
            ))}
          </Select>
        </label>
      </div>
      {error ? (
        <div className="p-5">
          <Alert tone="error">The pull history could not be loaded: {error.message}</Alert>
        </div>
      ) : null}
      {data && data.runs.length === 0 ? (
        <EmptyState icon={History} title={isFirstView ? "No pulls yet" : "No pull matches these filters"}>
          {isFirstView ? "The first pull runs within a minute of the source becoming active." : "Choose another log type or outcome."}
        </EmptyState>
      ) : null}
      {data && data.runs.length > 0 ? (
        <div className="overflow-x-auto">
          <table className={cn("w-full text-left text-sm", isPlaceholderData && "opacity-70")}>
            <caption className="sr-only">Pulls of this source, newest first</caption>
            <TableHead columns={["Started", "Log type", "Duration", "Pages", "Fetched", "Stored", "Duplicates", "Failures", "Outcome", "Error"]} numeric={["Pages", "Fetched", "Stored", "Duplicates", "Failures"]} isDense />
            <tbody className="divide-y divide-slate-100">
              {data.runs.map((run) => (
                <tr key={run.id} className="align-top">
                  <td className="px-5 py-2.5 whitespace-nowrap text-slate-600">
                    <RelativeTime value={run.startedAt} />
                    <div className="text-xs text-slate-500">
                      {TRIGGER_LABELS[run.trigger]}
                      {run.attempt > 1 ? `, attempt ${run.attempt}` : ""}
                    </div>
                  </td>
                  <td className="py-2.5 pr-4 whitespace-nowrap text-slate-900">{logTypeLabel(run.logType)}</td>
                  <td className="py-2.5 pr-4 whitespace-nowrap text-slate-600 tabular-nums">{run.outcome === "RUNNING" ? "running" : describeDuration(run.durationMs)}</td>
                  <td className="py-2.5 pr-4 text-right text-slate-600 tabular-nums">{count(run.pages)}</td>
                  <td className="py-2.5 pr-4 text-right text-slate-600 tabular-nums">{count(run.fetched)}</td>
                  <td className="py-2.5 pr-4 text-right font-medium text-slate-900 tabular-nums">{count(run.stored)}</td>
                  <td className="py-2.5 pr-4 text-right text-slate-600 tabular-nums">{count(run.duplicates)}</td>
                  <td className={cn("py-2.5 pr-4 text-right tabular-nums", run.failures ? "font-medium text-red-700" : "text-slate-600")}>{count(run.failures)}</td>
                  <td className="py-2.5 pr-4">
                    <Badge tone={OUTCOME_TONES[run.outcome]}>{PULL_OUTCOME_LABELS[run.outcome]}</Badge>
                  </td>
                  <td className="max-w-md py-2.5 pr-5 text-xs break-words text-slate-600">
                    {run.errorCode ? <span className="font-mono text-slate-800">{run.errorCode}</span> : null}
                    {run.errorCode && run.error ? ": " : null}
                    {run.error ?? (run.errorCode ? null : "—")}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      {data && data.total > data.pageSize ? (
        <nav aria-label="Pull history pages" className="flex items-center justify-between border-t border-slate-100 px-5 py-3 text-sm text-slate-600">
          <span>
            Page {data.page} of {count(pageCount)} ({count(data.total)} pulls)
          </span>
          <span className="flex gap-2">
            <Button variant="secondary" disabled={data.page <= 1} onClick={() => setFilters({ ...filters, page: data.page - 1 })}>
              Newer
            </Button>
            <Button variant="secondary" disabled={data.page >= pageCount} onClick={() => setFilters({ ...filters, page: data.page + 1 })}>
              Older
            </Button>
          </span>
        </nav>
      ) : null}
    </Card>
  );
}

function LoadingOrError({ isPending, error }: { isPending: boolean; error: Error | null }) {
  if (error) {
    return (
      <div className="p-5">
        <Alert tone="error">{error.message}</Alert>
      </div>
    );
  }
  return isPending ? <p className="px-5 py-4 text-sm text-slate-500">Loading…</p> : null;
}

function LoadOlder({ label, isLoading, onLoad }: { label: string; isLoading: boolean; onLoad: () => void }) {
  return (
    <div className="border-t border-slate-100 px-5 py-3">
      <Button variant="secondary" disabled={isLoading} onClick={onLoad}>
        {isLoading ? "Loading…" : label}
      </Button>
    </div>
  );
}

/** The payload as Slack sent it; indented when it is JSON, verbatim when it is not. */
function formatPayload(payload: string): string {
  try {
    return JSON.stringify(JSON.parse(payload), null, 2);
  } catch {
    return payload;
  }
}

export function ClassificationFailures({ sourceId }: { sourceId: string }) {
  const { data, error, isPending, fetchNextPage, hasNextPage, isFetchingNextPage } = useClassificationFailures(sourceId);
  const failures = data?.pages.flatMap((page) => page.failures) ?? [];
  return (
    <Card>
      <CardHeader title="Classification failures" description="Records that did not match their log type's schema. They are kept whole with the reason, never dropped, and the pulls go on." />
      <LoadingOrError isPending={isPending} error={error} />
      {!isPending && failures.length === 0 ? (
        <EmptyState icon={FileWarning} title="Every record matched its schema">
          A record Slack sends in a shape Tributary does not expect appears here with the field and the reason.
        </EmptyState>
      ) : null}
      <ul className="divide-y divide-slate-100">
        {failures.map((failure) => (
          <li key={failure.id} className="px-5 py-3 text-sm">
            <div className="flex flex-wrap items-center gap-x-3 gap-y-1">
              <span className="font-medium text-slate-900">{logTypeLabel(failure.logType)}</span>
              <span className="text-slate-500">
                <RelativeTime value={failure.receivedAt} />
              </span>
              {failure.field ? <code className="rounded bg-slate-100 px-1.5 py-0.5 font-mono text-xs text-slate-700">{failure.field}</code> : null}
            </div>
            <p className="mt-1 text-slate-700">{failure.reason}</p>
            <details className="mt-2">
              <summary className="cursor-pointer text-xs font-medium text-brand-700 select-none">Raw payload</summary>
              <div className="mt-2 flex justify-end">
                <CopyButton value={failure.payload} label="Copy payload" />
              </div>
              <pre className="mt-2 max-h-96 overflow-auto rounded-lg bg-slate-50 p-3 font-mono text-xs break-all whitespace-pre-wrap text-slate-800">{formatPayload(failure.payload)}</pre>
            </details>
          </li>
        ))}
      </ul>
      {hasNextPage ? <LoadOlder label="Load older failures" isLoading={isFetchingNextPage} onLoad={() => void fetchNextPage()} /> : null}
    </Card>
  );
}

export function SourceAuditTrail({ sourceId }: { sourceId: string }) {
  const { data, error, isPending, fetchNextPage, hasNextPage, isFetchingNextPage } = useSourceAudit(sourceId);
  const entries = data?.pages.flatMap((page) => page.entries) ?? [];
  return (
    <Card>
      <CardHeader title="Audit trail" description="Every change made to this source, by people and by Tributary itself." />
      <LoadingOrError isPending={isPending} error={error} />
      {!isPending && entries.length === 0 ? (
        <EmptyState icon={ScrollText} title="No changes recorded">
          Changes to this source appear here as they happen.
        </EmptyState>
      ) : null}
      {entries.length > 0 ? (
        <div className="overflow-x-auto">
          <AuditEntriesTable entries={entries} />
        </div>
      ) : null}
      {hasNextPage ? <LoadOlder label="Load older entries" isLoading={isFetchingNextPage} onLoad={() => void fetchNextPage()} /> : null}
    </Card>
  );
}
