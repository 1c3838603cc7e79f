"use client";

import { Activity } from "lucide-react";
import { useState, type ReactNode } from "react";
import { TimeSeriesChart } from "@/components/charts/time-series-chart";
import { Badge } from "@/components/ui/badge";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { cn } from "@/components/ui/cn";
import { EmptyState } from "@/components/ui/empty-state";
import { Alert } from "@/components/ui/field";
import { RelativeTime } from "@/components/ui/relative-time";
import { AlarmStateBadge } from "@/features/alarms/components/alarm-card";
import { PULL_OUTCOME_LABELS, type PullOutcome } from "@/features/pulls/schema";
import { useSourceSummary, useThroughput } from "@/features/sources/client";
import { SourceHealthBadge, SourceHealthChecks } from "@/features/sources/components/source-health";
import { SourceStatusBadge } from "@/features/sources/components/source-status-badge";
import { LOG_TYPE_INFO, THROUGHPUT_RANGES, type SourceSummaryView, type ThroughputRange } from "@/features/sources/schema";

// The live part of a source's page: it refreshes every few seconds, so a source's first events, a
// failing pull or an alarm show up while the operator watches.

const RANGE_LABELS: Record<ThroughputRange, string> = { "1h": "1 hour", "24h": "24 hours", "7d": "7 days" };

/** Status, health and alarm next to the source's name, kept current. */
export function SourceLiveBadges({ initialData }: { initialData: SourceSummaryView }) {
  const { data } = useSourceSummary(initialData.id, initialData);
  const summary = data ?? initialData;
  return (
    <span className="inline-flex flex-wrap items-center gap-2" aria-live="polite">
      <SourceStatusBadge status={summary.status} />
      {summary.health ? <SourceHealthBadge health={summary.health} /> : null}
      <AlarmStateBadge status={summary.status} alarmEnabled={summary.alarmEnabled} alarmState={summary.alarmState} />
    </span>
  );
}

function Stat({ label, children, detail }: { label: string; children: ReactNode; detail?: ReactNode }) {
  return (
    <div className="rounded-xl border border-slate-200 bg-white px-4 py-3 shadow-sm">
      <dt className="text-xs font-medium tracking-wide text-slate-500 uppercase">{label}</dt>
      <dd className="mt-1 text-lg font-semibold text-slate-900">{children}</dd>
      {detail ? <dd className="mt-0.5 text-xs text-slate-500">{detail}</dd> : null}
    </div>
  );
}

function ThroughputCard({ sourceId, hasEvents }: { sourceId: string; hasEvents: boolean }) {
  const [range, setRange] = useState<ThroughputRange>("1h");
  const { data, error, isPlaceholderData } = useThroughput(sourceId, range);
  const total = data ? Object.values(data.totals).reduce((sum, value) => sum + value, 0) : null;
  return (
    <Card>
      <CardHeader
        title="Events stored per minute"
        description={total === null ? "By the time Tributary stored them, per log type, in UTC." : `${total.toLocaleString("en")} events stored in the last ${RANGE_LABELS[range]}.`}
        actions={
          <div role="group" aria-label="Time range" className="inline-flex rounded-md border border-slate-200 p-0.5">
            {(Object.keys(THROUGHPUT_RANGES) as ThroughputRange[]).map((option) => (
              <button
                key={option}
                type="button"
                aria-pressed={option === range}
                onClick={() => setRange(option)}
                className={cn("rounded px-2.5 py-1 text-xs font-medium", option === range ? "bg-brand-600 text-white" : "text-slate-600 hover:bg-slate-100")}
              >
                {option}
              </button>
            ))}
          </div>
        }
      />
      <CardBody className={cn("transition-opacity", isPlaceholderData && "opacity-60")}>
        {error ? <Alert tone="error">The chart could not be loaded: {error.message}</Alert> : null}
        {data ? (
          <>
            <TimeSeriesChart
              points={data.points.map((point) => ({ at: point.at, values: point.perMinute }))}
              series={data.logTypes.map((logType) => ({ key: logType, label: LOG_TYPE_INFO[logType].label }))}
              unit="events/min"
              spanMinutes={THROUGHPUT_RANGES[range].minutes}
            />
            <table className="sr-only">
              <caption>Events stored in the last {RANGE_LABELS[range]} per log type</caption>
              <tbody>
                {data.logTypes.map((logType) => (
                  <tr key={logType}>
                    <th scope="row">{LOG_TYPE_INFO[logType].label}</th>
                    <td>{(data.totals[logType] ?? 0).toLocaleString("en")}</td>
                  </tr>
                ))}
              </tbody>
            </table>
            {!hasEvents ? <p className="mt-2 text-sm text-slate-500">No events stored yet: the chart fills in as the first pulls bring them.</p> : null}
          </>
        ) : (
          <div className="h-60 animate-pulse rounded-lg bg-slate-100" aria-label="Loading the chart" />
        )}
      </CardBody>
    </Card>
  );
}

const OUTCOME_TONES: Record<PullOutcome, "success" | "warning" | "danger" | "neutral" | "info"> = { SUCCEEDED: "success", INCOMPLETE: "warning", FAILED: "danger", ABANDONED: "warning", RUNNING: "info" };

export function SourceOverview({ initialData, canManage }: { initialData: SourceSummaryView; canManage: boolean }) {
  const { data, error } = useSourceSummary(initialData.id, initialData);
  const summary = data ?? initialData;
  const isActive = summary.health !== null;
  if (!isActive) {
    return (
      <Card>
        <EmptyState icon={Activity} title="Not pulling yet">
          This source starts pulling when its setup is finished{canManage ? ": resume the setup above" : ""}.
        </EmptyState>
      </Card>
    );
  }
  return (
    <div className="space-y-6">
      {error ? <Alert tone="error">The page could not be refreshed: {error.message}. The figures below may be out of date.</Alert> : null}
      <dl className="grid grid-cols-2 gap-4 lg:grid-cols-4">
        <Stat label="Health" detail={summary.health!.healthy ? "Every check passes" : `${summary.health!.checks.filter((check) => !check.healthy).length} failing, see below`}>
          <SourceHealthBadge health={summary.health!} />
        </Stat>
        <Stat label="Last event received" detail={summary.lastEventTime ? <>Newest event from <RelativeTime value={summary.lastEventTime} /></> : undefined}>
          {summary.lastEventReceivedAt ? <RelativeTime value={summary.lastEventReceivedAt} /> : "None yet"}
        </Stat>
        <Stat label="Last successful pull">{summary.lastSuccessfulPullAt ? <RelativeTime value={summary.lastSuccessfulPullAt} /> : "None yet"}</Stat>
        <Stat label="Drop-off alarm" detail={summary.alarmStateSince && summary.alarmState ? <>Since <RelativeTime value={summary.alarmStateSince} /></> : undefined}>
          <AlarmStateBadge status={summary.status} alarmEnabled={summary.alarmEnabled} alarmState={summary.alarmState} />
        </Stat>
      </dl>
      <ThroughputCard sourceId={summary.id} hasEvents={summary.lastEventReceivedAt !== null} />
      <div className="grid gap-6 xl:grid-cols-2">
        <Card>
          <CardHeader title="Health checks" description="Healthy only when every check is." actions={<SourceHealthBadge health={summary.health!} />} />
          <CardBody>
            <SourceHealthChecks sourceId={summary.id} health={summary.health!} canManage={canManage} />
          </CardBody>
        </Card>
        <Card>
          <CardHeader title="Latest pull of each log type" description="Scheduled pulls; replays are in the pull history." />
          <CardBody>
            <ul className="divide-y divide-slate-100" aria-label="Latest pulls">
              {summary.latestRuns.map(({ logType, run }) => (
                <li key={logType} className="py-2.5 text-sm">
                  <div className="flex items-center justify-between gap-3">
                    <span className="font-medium text-slate-900">{LOG_TYPE_INFO[logType].label}</span>
                    {run ? <Badge tone={OUTCOME_TONES[run.outcome as PullOutcome] ?? "neutral"}>{PULL_OUTCOME_LABELS[run.outcome as PullOutcome] ?? run.outcome}</Badge> : <Badge>Waiting</Badge>}
                  </div>
                  {run ? (
                    <p className="mt-1 text-slate-600">
                      <RelativeTime value={run.startedAt} />: {run.stored.toLocaleString("en")} new of {run.fetched.toLocaleString("en")} fetched
                      {run.duplicates ? `, ${run.duplicates.toLocaleString("en")} already stored` : ""}
                      {run.failures ? `, ${run.failures.toLocaleString("en")} not matching the schema` : ""}
                    </p>
                  ) : (
                    <p className="mt-1 text-slate-500">Waiting for the first pull.</p>
                  )}
                  {run?.error ? <p className="mt-1 text-xs break-words text-red-700">{run.error}</p> : null}
                </li>
              ))}
            </ul>
          </CardBody>
        </Card>
      </div>
    </div>
  );
}
