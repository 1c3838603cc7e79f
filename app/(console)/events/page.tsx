import type { Metadata } from "next";
import { PageHeader } from "@/components/layout/page-header";
import { requirePermission } from "@/features/auth/session";
import { EventExplorer } from "@/features/events/components/event-explorer";
import { hasStoredEvents, listSourceOptions } from "@/features/events/data";
import { parseEventFilters } from "@/features/events/schema";

export const metadata: Metadata = { title: "Events" };

export default async function EventsPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  await requirePermission("console:read");
  const [filters, sources, hasEvents] = await Promise.all([searchParams.then(parseEventFilters), listSourceOptions(), hasStoredEvents()]);
  return (
    <>
      <PageHeader title="Events" description="Normalized Slack events from every source, with Panther-style p_* fields for search and export." />
      <EventExplorer filters={filters} sources={sources} hasEvents={hasEvents} />
    </>
  );
}
