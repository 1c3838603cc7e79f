import { ClipboardList, KeyRound, PlugZap, Waves } from "lucide-react";
import type { Metadata } from "next";
import { PageHeader } from "@/components/layout/page-header";
import { Badge } from "@/components/ui/badge";
import { Card } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { requirePermission } from "@/features/auth/session";

export const metadata: Metadata = { title: "Sources" };

const LOG_TYPES = [
  {
    name: "Slack.AuditLogs",
    icon: ClipboardList,
    plan: "Enterprise Grid",
    description: "Who changed what across the organization: sign-ins, admin changes, exports, app installs.",
  },
  {
    name: "Slack.AccessLogs",
    icon: KeyRound,
    plan: "Pro, Business+ or Grid workspace",
    description: "Each new combination of user, IP address and device that accessed a workspace.",
  },
  {
    name: "Slack.IntegrationLogs",
    icon: PlugZap,
    plan: "Pro, Business+ or Grid workspace",
    description: "Apps and integrations added, removed, enabled or changed in a workspace.",
  },
];

export default async function SourcesPage() {
  await requirePermission("console:read");
  return (
    <>
      <PageHeader title="Sources" description="Slack apps Tributary pulls logs from every minute, and whether their data is flowing." />
      <Card>
        <EmptyState icon={Waves} title="No sources yet">
          A source is one Slack app installation. Tributary pulls its logs every minute, turns them into typed events and raises an
          alarm when they stop arriving. Your Slack plan decides which logs a source can pull.
        </EmptyState>
        <div className="grid gap-4 border-t border-slate-100 p-5 md:grid-cols-3">
          {LOG_TYPES.map(({ name, icon: Icon, plan, description }) => (
            <div key={name} className="rounded-lg border border-slate-200 p-4">
              <div className="flex items-center gap-2">
                <Icon aria-hidden className="size-4 text-brand-600" />
                <span className="font-mono text-sm font-medium text-slate-900">{name}</span>
              </div>
              <p className="mt-2 text-sm text-slate-500">{description}</p>
              <Badge className="mt-3">{plan}</Badge>
            </div>
          ))}
        </div>
      </Card>
    </>
  );
}
