"use client";

import { ArrowDown, ArrowUp, ArrowUpDown, SearchX } from "lucide-react";
import Link from "next/link";
import { usePathname, useRouter, useSearchParams } from "next/navigation";
import { useState, type ChangeEvent, type FormEvent } from "react";
import { Sparkline } from "@/components/charts/sparkline";
import { Button } from "@/components/ui/button";
import { cn } from "@/components/ui/cn";
import { EmptyState } from "@/components/ui/empty-state";
import { Alert, Select, TextInput } from "@/components/ui/field";
import { RelativeTime } from "@/components/ui/relative-time";
import { AlarmStateBadge } from "@/features/alarms/components/alarm-card";
import { useSourceList, type SourceListFilters } from "@/features/sources/client";
import { HealthBadge } from "@/features/sources/components/health-badge";
import { SourceStatusBadge } from "@/features/sources/components/source-status-badge";
import { LOG_TYPE_INFO, LOG_TYPES, PLAN_INFO, SETUP_STEP_LABELS, type SourceListPage, type SourceListRow, type SourceSort } from "@/features/sources/schema";

const STATUS_LABELS = { ACTIVE: "Active", ERROR: "Error", PAUSED: "Paused", AWAITING_GRANT: "Awaiting access", DRAFT: "Draft" } as const;
const ALARM_LABELS = { ALARM: "In alarm", INSUFFICIENT_DATA: "Insufficient data", OK: "OK", off: "Not watching" } as const;

const SELECT_FILTERS: { name: "health" | "alarm" | "status" | "logType"; label: string; options: Record<string, string> }[] = [
  { name: "health", label: "Health", options: { unhealthy: "Unhealthy", healthy: "Healthy" } },
  { name: "alarm", label: "Alarm", options: ALARM_LABELS },
  { name: "status", label: "Status", options: STATUS_LABELS },
  { name: "logType", label: "Log type", options: Object.fromEntries(LOG_TYPES.map((logType) => [logType, LOG_TYPE_INFO[logType].label])) },
];

// Below 1280 px the last pull and the alarm give way (both stay in the filters and on the source's
// page), so the table fits a laptop without a scroll box, which would clip the health popover.
const WIDE_ONLY = "hidden xl:table-cell";

type Column = { label: string; sort?: SourceSort; className?: string };
const COLUMNS: Column[] = [
  { label: "Name", sort: "name" },
  { label: "Health", sort: "health" },
  { label: "Last event", sort: "lastEvent" },
  { label: "Last pull", sort: "lastPull", className: WIDE_ONLY },
  { label: "Events (24 h)", sort: "events24h" },
  { label: "Alarm", className: WIDE_ONLY },
  { label: "Status", sort: "status" },
];

/** The filters as they are in the address bar, so a filtered list can be bookmarked and shared. */
export function filtersFromSearch(search: URLSearchParams): SourceListFilters {
  const page = Number(search.get("page") ?? "1");
  return {
    q: search.get("q") ?? undefined,
    status: search.get("status") ?? undefined,
    health: search.get("health") ?? undefined,
    alarm: search.get("alarm") ?? undefined,
    logType: search.get("logType") ?? undefined,
    sort: search.get("sort") ?? undefined,
    dir: search.get("dir") ?? undefined,
    page: Number.isInteger(page) && page > 1 ? page : undefined,
  };
}

function describeHourly(row: SourceListRow): string {
  const peak = Math.max(...row.hourly);
  return `${row.events24h.toLocaleString("en")} events in the last 24 hours; busiest hour ${peak.toLocaleString("en")}`;
}

export function SourceTable({ initialData, canManage }: { initialData: SourceListPage; canManage: boolean }) {
  const router = useRouter();
  const pathname = usePathname();
  const search = useSearchParams();
  const filters = filtersFromSearch(search);
  const [initialFilters] = useState(() => JSON.stringify(filters));
  // The server rendered the first answer for the filters the page was opened with; reuse it only for those.
  const { data, error, isPlaceholderData } = useSourceList(filters, JSON.stringify(filters) === initialFilters ? initialData : undefined);
  const sort = (filters.sort ?? "name") as SourceSort;
  const dir = filters.dir === "desc" ? "desc" : "asc";

  function navigate(next: SourceListFilters) {
    const parameters = new URLSearchParams();
    for (const [key, value] of Object.entries(next)) if (value !== undefined && value !== "" && !(key === "page" && value === 1)) parameters.set(key, String(value));
    const query = parameters.toString();
    router.replace(query ? `${pathname}?${query}` : pathname, { scroll: false });
  }

  function onFilter(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const text = (name: string) => String(form.get(name) ?? "") || undefined;
    navigate({ ...filters, q: text("q"), status: text("status"), health: text("health"), alarm: text("alarm"), logType: text("logType"), page: undefined });
  }

  // A choice in a list applies at once; the search text waits for Enter or the button.
  const submitForm = (event: ChangeEvent<HTMLSelectElement>) => event.currentTarget.form?.requestSubmit();

  function onSort(column: SourceSort) {
    // A new column starts where a person looks first: problems, the busiest, the most recent.
    const firstDirection = column === "name" || column === "status" || column === "health" ? "asc" : "desc";
    navigate({ ...filters, sort: column, dir: column === sort ? (dir === "asc" ? "desc" : "asc") : firstDirection, page: undefined });
  }

  const isFiltered = Boolean(filters.q || filters.status || filters.health || filters.alarm || filters.logType);
  const pageCount = data ? Math.max(1, Math.ceil(data.total / data.pageSize)) : 1;

  return (
    <div>
      <form onSubmit={onFilter} className="flex flex-wrap items-end gap-3 border-b border-slate-100 px-5 py-4" aria-label="Filter sources">
        <label className="flex min-w-48 flex-1 flex-col gap-1 text-xs font-medium text-slate-600">
          Search
          {/* Reset only when the address changes the text (Clear filters), never while someone types. */}
          <TextInput key={filters.q ?? ""} name="q" type="search" defaultValue={filters.q ?? ""} placeholder="Source or Slack name" />
        </label>
        {SELECT_FILTERS.map(({ name, label, options }) => (
          <label key={name} className="flex flex-col gap-1 text-xs font-medium text-slate-600">
            {label}
            <Select name={name} value={filters[name] ?? ""} onChange={submitForm}>
              <option value="">Any</option>
              {Object.entries(options).map(([value, text]) => (
                <option key={value} value={value}>
                  {text}
                </option>
              ))}
            </Select>
          </label>
        ))}
        <Button type="submit" variant="secondary">
          Search
        </Button>
        {isFiltered ? (
          <Button variant="ghost" onClick={() => navigate({ sort: filters.sort, dir: filters.dir })}>
            Clear filters
          </Button>
        ) : null}
      </form>
      {error ? (
        <div className="p-5">
          <Alert tone="error">The list could not be refreshed: {error.message}</Alert>
        </div>
      ) : null}
      {data && data.sources.length === 0 ? (
        <EmptyState icon={SearchX} title="No source matches these filters">
          {data.totalUnfiltered.toLocaleString("en")} {data.totalUnfiltered === 1 ? "source exists" : "sources exist"}; clear the filters to see them all.
        </EmptyState>
      ) : (
        // No horizontal scroll box here: it would clip the health popover. The columns fit a laptop screen.
        <div>
          <table className={cn("w-full text-left text-sm transition-opacity", isPlaceholderData && "opacity-70")} aria-busy={isPlaceholderData}>
            <caption className="sr-only">Sources, sorted by {COLUMNS.find((column) => column.sort === sort)?.label ?? "name"}</caption>
            <thead className="border-b border-slate-200 text-xs tracking-wide text-slate-500 uppercase">
              <tr>
                {COLUMNS.map((column) => (
                  <th key={column.label} scope="col" className={cn("px-4 py-3 font-medium whitespace-nowrap first:pl-5 last:pr-5", column.className)} aria-sort={column.sort === sort ? (dir === "asc" ? "ascending" : "descending") : undefined}>
                    {column.sort ? (
                      <button type="button" onClick={() => onSort(column.sort!)} className="inline-flex items-center gap-1 uppercase hover:text-slate-800">
                        {column.label}
                        {column.sort === sort ? dir === "asc" ? <ArrowUp aria-hidden className="size-3" /> : <ArrowDown aria-hidden className="size-3" /> : <ArrowUpDown aria-hidden className="size-3 opacity-40" />}
                      </button>
                    ) : (
                      column.label
                    )}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {data?.sources.map((source) => (
                <tr key={source.id} className="hover:bg-slate-50/60">
                  <td className="min-w-48 py-3 pr-4 pl-5 align-top">
                    <Link href={`/sources/${source.id}`} className="font-medium text-slate-900 hover:underline">
                      {source.name}
                    </Link>
                    <div className="mt-0.5 text-xs text-slate-500">
                      {PLAN_INFO[source.plan].label} · {source.logTypes.map((logType) => LOG_TYPE_INFO[logType].label).join(", ")}
                      {source.slackName ? ` · ${source.slackName}` : ""}
                    </div>
                    {source.resumeStep && canManage ? (
                      <Link href={`/sources/${source.id}/setup/${source.resumeStep}`} className="mt-1 inline-block text-xs font-medium text-brand-700 hover:underline" aria-label={`Resume setup of ${source.name} at ${SETUP_STEP_LABELS[source.resumeStep]}`}>
                        Resume setup ({SETUP_STEP_LABELS[source.resumeStep]})
                      </Link>
                    ) : null}
                  </td>
                  <td className="px-4 py-3 align-top">
                    <HealthBadge health={source.health} id={source.id} />
                  </td>
                  <td className="px-4 py-3 align-top whitespace-nowrap text-slate-600">{source.lastEventReceivedAt ? <RelativeTime value={source.lastEventReceivedAt} /> : "None yet"}</td>
                  <td className={cn("px-4 py-3 align-top whitespace-nowrap text-slate-600", WIDE_ONLY)}>{source.lastSuccessfulPullAt ? <RelativeTime value={source.lastSuccessfulPullAt} /> : "None yet"}</td>
                  <td className="px-4 py-3 align-top whitespace-nowrap">
                    <div className="flex items-center gap-3">
                      <span className="w-16 text-right font-medium text-slate-900 tabular-nums">{source.events24h.toLocaleString("en")}</span>
                      <Sparkline values={source.hourly} label={describeHourly(source)} />
                    </div>
                  </td>
                  <td className={cn("px-4 py-3 align-top", WIDE_ONLY)}>
                    <AlarmStateBadge status={source.status} alarmEnabled={source.alarmEnabled} alarmState={source.alarmState} />
                  </td>
                  <td className="py-3 pr-5 pl-4 align-top">
                    <SourceStatusBadge status={source.status} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {data && data.total > data.pageSize ? (
        <nav aria-label="Pages" className="flex items-center justify-between border-t border-slate-100 px-5 py-3 text-sm text-slate-600">
          <span>
            {((data.page - 1) * data.pageSize + 1).toLocaleString("en")}–{Math.min(data.total, data.page * data.pageSize).toLocaleString("en")} of {data.total.toLocaleString("en")}
          </span>
          <span className="flex gap-2">
            <Button variant="secondary" disabled={data.page <= 1} onClick={() => navigate({ ...filters, page: data.page - 1 })}>
              Previous
            </Button>
            <Button variant="secondary" disabled={data.page >= pageCount} onClick={() => navigate({ ...filters, page: data.page + 1 })}>
              Next
            </Button>
          </span>
        </nav>
      ) : null}
    </div>
  );
}
