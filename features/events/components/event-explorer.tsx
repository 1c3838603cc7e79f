"use client";

import { ChevronRight, Download, Inbox, SearchX } from "lucide-react";
import { usePathname, useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";
import { Badge } from "@/components/ui/badge";
import { buttonClassName, Button } from "@/components/ui/button";
import { Card, CardBody } from "@/components/ui/card";
import { cn } from "@/components/ui/cn";
import { CopyButton } from "@/components/ui/copy-button";
import { EmptyState } from "@/components/ui/empty-state";
import { Alert, Field, fieldAria, Select, TextInput } from "@/components/ui/field";
import { Table, TableHead } from "@/components/ui/table";
import { EVENTS_REFRESH_MS, useEvents } from "@/features/events/client";
import {
  DEFAULT_TIME_RANGE,
  EVENT_ACTION_MAX,
  EVENT_SEARCH_MAX,
  eventFiltersToApiParams,
  eventFiltersToSearchParams,
  isFiltered,
  TIME_RANGES,
  type EventFilters,
  type EventRow,
  type ExportFormat,
  type TimeRange,
} from "@/features/events/schema";
import { isLogType, LOG_TYPE_INFO, LOG_TYPES } from "@/features/sources/schema";

export type SourceOption = { id: string; name: string };

const COLUMNS = ["Time (UTC)", "Log type", "Source", "Action", "Actor", "IP address"] as const;
const RANGE_ORDER_MESSAGE = "The start of the time range must be before its end";

// The table shows UTC, so the custom range is typed in UTC too: a datetime-local input has no zone,
// and reading it as the browser's local time would make the form and the table disagree.
function toUtcInput(iso: string | undefined): string {
  if (!iso) return "";
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? "" : date.toISOString().slice(0, 16);
}

function fromUtcInput(value: FormDataEntryValue | null): string | undefined {
  if (typeof value !== "string" || !value) return undefined;
  const date = new Date(`${value}Z`);
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
}

const formatUtc = (iso: string) => iso.replace("T", " ").replace(/Z$/, "");
const describeLogType = (logType: string) => (isLogType(logType) ? LOG_TYPE_INFO[logType].label : logType);

function FilterForm({ filters, sources, onApply }: { filters: EventFilters; sources: SourceOption[]; onApply: (filters: EventFilters) => void }) {
  const [range, setRange] = useState<TimeRange>(filters.range);
  const [rangeError, setRangeError] = useState<string | undefined>();

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const text = (name: string) => String(form.get(name) ?? "").trim() || undefined;
    const from = range === "custom" ? fromUtcInput(form.get("from")) : undefined;
    const to = range === "custom" ? fromUtcInput(form.get("to")) : undefined;
    if (range === "custom" && !from && !to) return setRangeError("Enter when the range starts, ends, or both");
    if (from && to && from >= to) return setRangeError(RANGE_ORDER_MESSAGE);
    setRangeError(undefined);
    onApply({ range, from, to, sourceId: text("sourceId"), logType: text("logType"), action: text("action"), q: text("q") });
  }

  return (
    <form aria-label="Filter events" onSubmit={onSubmit} onReset={() => {
        setRange(DEFAULT_TIME_RANGE);
        setRangeError(undefined);
        onApply({ range: DEFAULT_TIME_RANGE });
      }} className="grid items-start gap-4 md:grid-cols-6 xl:grid-cols-12">
      <Field id="events-q" label="IP address, email or username" hint="Matches any of the event's IP addresses, emails or usernames." className="md:col-span-6 xl:col-span-5">
        <TextInput id="events-q" name="q" type="search" defaultValue={filters.q} maxLength={EVENT_SEARCH_MAX} placeholder="203.0.113.7, alice@example.com or alice" {...fieldAria("events-q", undefined, true)} />
      </Field>
      <Field id="events-range" label="Time range" hint="Times are UTC, as in the table." className="md:col-span-2 xl:col-span-3">
        <Select id="events-range" name="range" value={range} onChange={(event) => setRange(event.target.value as TimeRange)} {...fieldAria("events-range", undefined, true)}>
          {Object.entries(TIME_RANGES).map(([value, preset]) => (
            <option key={value} value={value}>
              {preset.label}
            </option>
          ))}
          <option value="custom">Custom range</option>
        </Select>
      </Field>
      {range === "custom" ? (
        <>
          <Field id="events-from" label="From (UTC)" error={rangeError} className="md:col-span-2">
            <TextInput id="events-from" name="from" type="datetime-local" defaultValue={toUtcInput(filters.from)} {...fieldAria("events-from", rangeError)} />
          </Field>
          <Field id="events-to" label="To (UTC)" className="md:col-span-2">
            <TextInput id="events-to" name="to" type="datetime-local" defaultValue={toUtcInput(filters.to)} />
          </Field>
        </>
      ) : null}
      <Field id="events-source" label="Source" className="md:col-span-2 xl:col-span-4">
        <Select id="events-source" name="sourceId" defaultValue={filters.sourceId ?? ""}>
          <option value="">All sources</option>
          {sources.map((source) => (
            <option key={source.id} value={source.id}>
              {source.name}
            </option>
          ))}
        </Select>
      </Field>
      <Field id="events-log-type" label="Log type" className="md:col-span-2 xl:col-span-3">
        <Select id="events-log-type" name="logType" defaultValue={filters.logType ?? ""}>
          <option value="">All log types</option>
          {LOG_TYPES.map((logType) => (
            <option key={logType} value={logType}>
              {LOG_TYPE_INFO[logType].label}
            </option>
          ))}
        </Select>
      </Field>
      <Field id="events-action" label="Action" hint="Exact audit action or integration change type." className="md:col-span-2 xl:col-span-3">
        <TextInput id="events-action" name="action" defaultValue={filters.action} maxLength={EVENT_ACTION_MAX} placeholder="user_login" {...fieldAria("events-action", undefined, true)} />
      </Field>
      <div className="flex gap-2 md:col-span-6 md:pt-7 xl:col-span-3">
        <Button type="submit">Apply filters</Button>
        <Button type="reset" variant="ghost">
          Clear
        </Button>
      </div>
    </form>
  );
}

function EventDetails({ event, id }: { event: EventRow; id: string }) {
  const json = JSON.stringify(event.event, null, 2);
  return (
    <div id={id} className="space-y-3 bg-slate-50 px-5 py-4">
      <div className="flex flex-wrap items-center gap-x-6 gap-y-2">
        <CopyButton value={json} label="Copy JSON" />
        <span className="inline-flex items-center gap-2 text-xs text-slate-500">
          <span>
            p_row_id <code className="font-mono text-slate-700">{event.rowId}</code>
          </span>
          <CopyButton value={event.rowId} label="Copy p_row_id" />
        </span>
      </div>
      {/* Focusable, so a keyboard can scroll a long event. React escapes the text: nothing in it runs. */}
      <div role="region" aria-label="Event JSON" tabIndex={0} className="max-h-[32rem] overflow-auto rounded-md border border-slate-200 bg-white focus:ring-2 focus:ring-brand-200 focus:outline-none">
        <pre className="p-4 font-mono text-xs leading-5 text-slate-800">{json}</pre>
      </div>
    </div>
  );
}

function EventTableRow({ event, isExpanded, onToggle }: { event: EventRow; isExpanded: boolean; onToggle: () => void }) {
  const detailsId = `event-${event.id}-details`;
  const [firstIp, ...otherIps] = event.ipAddresses;
  return (
    <>
      <tr className={cn("align-top", isExpanded && "bg-slate-50")}>
        <td className="px-5 py-2.5 whitespace-nowrap">
          <button
            type="button"
            aria-expanded={isExpanded}
            aria-controls={detailsId}
            onClick={onToggle}
            className="inline-flex items-center gap-1.5 rounded-sm font-mono text-xs text-slate-700 hover:text-slate-900 focus-visible:ring-2 focus-visible:ring-brand-300 focus-visible:outline-none"
          >
            <ChevronRight aria-hidden className={cn("size-4 shrink-0 text-slate-400 transition-transform", isExpanded && "rotate-90")} />
            <span className="sr-only">Event at </span>
            <time dateTime={event.eventTime}>{formatUtc(event.eventTime)}</time>
          </button>
        </td>
        <td className="py-2.5 pr-4">
          <Badge>{describeLogType(event.logType)}</Badge>
        </td>
        <td className="max-w-48 truncate py-2.5 pr-4 text-slate-700" title={event.sourceLabel}>
          {event.sourceLabel}
        </td>
        <td className="py-2.5 pr-4 font-mono text-xs whitespace-nowrap text-slate-900">{event.action ?? <span className="text-slate-500">—</span>}</td>
        {/* One line per row keeps the list scannable; the whole value is on hover and in the JSON. */}
        <td className="max-w-72 truncate py-2.5 pr-4 text-slate-700" title={event.actor ?? undefined}>
          {event.actor ?? <span className="text-slate-500">—</span>}
        </td>
        <td className="max-w-56 truncate py-2.5 pr-5 font-mono text-xs whitespace-nowrap text-slate-700" title={event.ipAddresses.join(", ") || undefined}>
          {firstIp ?? <span className="text-slate-500">—</span>}
          {otherIps.length > 0 ? <span className="ml-1 text-slate-500">+{otherIps.length}</span> : null}
        </td>
      </tr>
      {isExpanded ? (
        <tr>
          <td colSpan={COLUMNS.length} className="p-0">
            <EventDetails event={event} id={detailsId} />
          </td>
        </tr>
      ) : null}
    </>
  );
}

function ExportLinks({ filters, at }: { filters: EventFilters; at: number }) {
  // The export covers the window the list was last read for, with the same filters.
  const href = (format: ExportFormat) => {
    const parameters = eventFiltersToApiParams(filters, at);
    parameters.set("format", format);
    return `/api/events/export?${parameters}`;
  };
  return (
    <div className="flex gap-2">
      <a href={href("ndjson")} download className={buttonClassName("secondary")}>
        <Download aria-hidden className="size-4" />
        Export NDJSON
      </a>
      <a href={href("csv")} download className={buttonClassName("secondary")}>
        <Download aria-hidden className="size-4" />
        Export CSV
      </a>
    </div>
  );
}

export function EventExplorer({ filters, sources, hasEvents }: { filters: EventFilters; sources: SourceOption[]; hasEvents: boolean }) {
  const router = useRouter();
  const pathname = usePathname();
  const [expanded, setExpanded] = useState<ReadonlySet<string>>(new Set());
  const { data, error, isPending, isPlaceholderData, dataUpdatedAt, fetchNextPage, hasNextPage, isFetchingNextPage } = useEvents(filters);
  const events = data?.pages.flatMap((page) => page.events) ?? [];
  const isRefreshing = (data?.pages.length ?? 0) <= 1;

  function applyFilters(next: EventFilters) {
    const query = eventFiltersToSearchParams(next).toString();
    setExpanded(new Set());
    router.push(query ? `${pathname}?${query}` : pathname, { scroll: false });
  }

  function toggle(id: string) {
    setExpanded((current) => {
      const next = new Set(current);
      if (!next.delete(id)) next.add(id);
      return next;
    });
  }

  return (
    <div className="space-y-4">
      <Card>
        <CardBody>
          {/* Remounted when the URL changes (back button, a shared link) so the form shows what is applied. */}
          <FilterForm key={eventFiltersToSearchParams(filters).toString()} filters={filters} sources={sources} onApply={applyFilters} />
        </CardBody>
      </Card>

      {error ? <Alert tone="error">{error.message}</Alert> : null}
      <Card>
        <div className="flex flex-wrap items-center justify-between gap-3 border-b border-slate-100 px-5 py-3">
          <p role="status" className="text-sm text-slate-500">
            {isPending
              ? "Loading events…"
              : isPlaceholderData
                ? "Applying filters…"
                : `${events.length.toLocaleString("en")} event${events.length === 1 ? "" : "s"} shown, newest first${
                    isRefreshing ? `; new events appear every ${EVENTS_REFRESH_MS / 1000} s` : "; refreshing is paused while older pages are open"
                  }`}
          </p>
          {data ? <ExportLinks filters={filters} at={dataUpdatedAt} /> : null}
        </div>
        {!isPending && !error && events.length === 0 ? (
          !hasEvents && !isFiltered(filters) ? (
            <EmptyState icon={Inbox} title="No events yet">
              Events appear here within a minute of a source&apos;s first successful pull. Each one keeps Slack&apos;s original fields and adds{" "}
              <code className="font-mono text-slate-700">p_event_time</code>, <code className="font-mono text-slate-700">p_log_type</code> and the IP
              addresses, emails and usernames it mentions.
            </EmptyState>
          ) : (
            <EmptyState icon={SearchX} title={isFiltered(filters) ? "No events match these filters" : "No events in the last 24 hours"}>
              {isFiltered(filters)
                ? "Widen the time range or clear a filter. An IP address, email or username must match in full."
                : "Older events are kept: choose a longer time range to see them."}
            </EmptyState>
          )
        ) : null}
        {events.length > 0 ? (
          <Table aria-busy={isPlaceholderData} className={cn("min-w-[60rem] transition-opacity", isPlaceholderData && "opacity-60")}>
            <caption className="sr-only">Events matching the filters, newest first. Expand a row for its JSON.</caption>
            <TableHead columns={COLUMNS} isDense />
            <tbody className="divide-y divide-slate-100">
              {events.map((event) => (
                <EventTableRow key={event.id} event={event} isExpanded={expanded.has(event.id)} onToggle={() => toggle(event.id)} />
              ))}
            </tbody>
          </Table>
        ) : null}
      </Card>
      {hasNextPage && !isPlaceholderData ? (
        <Button variant="secondary" disabled={isFetchingNextPage} onClick={() => void fetchNextPage()}>
          {isFetchingNextPage ? "Loading…" : "Load older events"}
        </Button>
      ) : null}
    </div>
  );
}
