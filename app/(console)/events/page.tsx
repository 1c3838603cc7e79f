import { Inbox } from "lucide-react";
import type { Metadata } from "next";
import { PageHeader } from "@/components/layout/page-header";
import { Card } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { requirePermission } from "@/features/auth/session";

export const metadata: Metadata = { title: "Events" };

export default async function EventsPage() {
  await requirePermission("console:read");
  return (
    <>
      <PageHeader title="Events" description="Normalized Slack events from every source, with Panther-style p_* fields for search and export." />
      <Card>
        <EmptyState icon={Inbox} title="No events yet">
          Events appear here within a minute of a source&apos;s first successful pull. Each one keeps Slack&apos;s original fields and adds{" "}
          <code className="font-mono text-slate-700">p_event_time</code>, <code className="font-mono text-slate-700">p_log_type</code> and the IP
          addresses, emails and usernames it mentions.
        </EmptyState>
      </Card>
    </>
  );
}
