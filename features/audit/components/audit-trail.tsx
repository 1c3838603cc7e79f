"use client";

import { ScrollText } from "lucide-react";
import { useState, type FormEvent } from "react";
import { Button } from "@/components/ui/button";
import { Card, CardBody } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { Alert, Field, Select, TextInput } from "@/components/ui/field";
import { RelativeTime } from "@/components/ui/relative-time";
import { TableHead } from "@/components/ui/table";
import { useAuditTrail, type AuditFilters } from "@/features/audit/client";
import { AUDIT_ACTIONS, describeAuditAction, type AuditEntry } from "@/features/audit/schema";

// datetime-local has no time zone: it is the browser's local time, sent to the server as UTC.
function toIso(local: FormDataEntryValue | null): string | undefined {
  if (typeof local !== "string" || !local) return undefined;
  const date = new Date(local);
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
}

// Postgres stores JSON keys in its own order; a change reads better as "from … to …".
const DETAIL_ORDER = ["from", "to"];
const detailRank = (key: string) => (DETAIL_ORDER.includes(key) ? DETAIL_ORDER.indexOf(key) : DETAIL_ORDER.length);

function formatDetails(details: AuditEntry["details"]): string {
  return Object.entries(details)
    .sort(([left], [right]) => detailRank(left) - detailRank(right))
    .map(([key, value]) => `${key}: ${Array.isArray(value) ? value.join(", ") : String(value)}`)
    .join(" · ");
}

export function AuditTrail() {
  const [filters, setFilters] = useState<AuditFilters>({});
  const { data, error, isPending, fetchNextPage, hasNextPage, isFetchingNextPage } = useAuditTrail(filters);
  const entries = data?.pages.flatMap((page) => page.entries) ?? [];
  const isFiltered = Object.values(filters).some(Boolean);

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const text = (name: string) => String(form.get(name) ?? "").trim() || undefined;
    setFilters({ action: text("action"), actor: text("actor"), target: text("target"), from: toIso(form.get("from")), to: toIso(form.get("to")) });
  }

  return (
    <div className="space-y-4">
      <Card>
        <CardBody>
          <form aria-label="Filter the audit trail" onSubmit={onSubmit} onReset={() => setFilters({})} className="grid items-end gap-4 sm:grid-cols-6">
            <Field id="audit-action" label="Action" className="sm:col-span-2">
              <Select id="audit-action" name="action" defaultValue="">
                <option value="">Any action</option>
                {Object.entries(AUDIT_ACTIONS).map(([value, label]) => (
                  <option key={value} value={value}>
                    {label}
                  </option>
                ))}
              </Select>
            </Field>
            <Field id="audit-actor" label="Actor" className="sm:col-span-2">
              <TextInput id="audit-actor" name="actor" placeholder="Email contains…" maxLength={254} />
            </Field>
            <Field id="audit-target" label="Target" className="sm:col-span-2">
              <TextInput id="audit-target" name="target" placeholder="Name, email or ID" maxLength={200} />
            </Field>
            <Field id="audit-from" label="From" className="sm:col-span-2">
              <TextInput id="audit-from" name="from" type="datetime-local" />
            </Field>
            <Field id="audit-to" label="To" className="sm:col-span-2">
              <TextInput id="audit-to" name="to" type="datetime-local" />
            </Field>
            <div className="flex gap-2 sm:col-span-2">
              <Button type="submit">Apply filters</Button>
              <Button type="reset" variant="ghost">
                Clear
              </Button>
            </div>
          </form>
        </CardBody>
      </Card>

      {error ? <Alert tone="error">{error.message}</Alert> : null}
      <Card>
        {isPending ? <p className="px-5 py-4 text-sm text-slate-500">Loading the audit trail…</p> : null}
        {!isPending && entries.length === 0 ? (
          <EmptyState icon={ScrollText} title={isFiltered ? "Nothing matches these filters" : "No changes recorded yet"}>
            {isFiltered ? "Widen the time range or clear a filter." : "Sign-ins, user changes and source changes appear here as they happen."}
          </EmptyState>
        ) : null}
        {entries.length > 0 ? (
          <AuditEntriesTable entries={entries} />
        ) : null}
      </Card>
      {hasNextPage ? (
        <Button variant="secondary" disabled={isFetchingNextPage} onClick={() => void fetchNextPage()}>
          {isFetchingNextPage ? "Loading…" : "Load older entries"}
        </Button>
      ) : null}
    </div>
  );
}

/** The entries as a table; also the source page's audit tab, for one source's entries. */
export function AuditEntriesTable({ entries }: { entries: readonly AuditEntry[] }) {
  return (
    <table className="w-full text-left text-sm">
      <TableHead columns={["When", "Actor", "Action", "Target", "Details"]} isDense />
      <tbody className="divide-y divide-slate-100">
        {entries.map((entry) => (
          <tr key={entry.id} className="align-top">
            <td className="px-5 py-2.5 whitespace-nowrap text-slate-600">
              <RelativeTime value={entry.at} />
            </td>
            <td className="py-2.5 pr-4">
              <div className="text-slate-900">{entry.actorLabel}</div>
              {entry.ipAddress ? <div className="font-mono text-xs text-slate-500">{entry.ipAddress}</div> : null}
            </td>
            <td className="py-2.5 pr-4 text-slate-900">{describeAuditAction(entry.action)}</td>
            <td className="py-2.5 pr-4 text-slate-700">{entry.targetLabel ?? entry.targetId ?? entry.targetType}</td>
            <td className="py-2.5 pr-5 text-xs break-all text-slate-500">{formatDetails(entry.details)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
