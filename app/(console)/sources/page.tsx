import { ClipboardList, KeyRound, Plus, PlugZap, Waves } from "lucide-react";
import type { Metadata } from "next";
import Link from "next/link";
import { PageHeader } from "@/components/layout/page-header";
import { Badge } from "@/components/ui/badge";
import { buttonClassName } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { Alert } from "@/components/ui/field";
import { can } from "@/features/auth/permissions";
import { requirePermission } from "@/features/auth/session";
import { SourceTable } from "@/features/sources/components/source-table";
import { listSourcePage } from "@/features/sources/data";
import { LOG_TYPE_INFO, LOG_TYPES, PLAN_INFO, sourceDeletedNotice, sourceListQuerySchema } from "@/features/sources/schema";
import { GRANT_FAILURES, grantFailureSchema } from "@/features/wizard/schema";

export const metadata: Metadata = { title: "Sources" };

const LOG_TYPE_ICONS = { "Slack.AuditLogs": ClipboardList, "Slack.AccessLogs": KeyRound, "Slack.IntegrationLogs": PlugZap } as const;

type Props = { searchParams: Promise<Record<string, string | string[] | undefined>> };

export default async function SourcesPage({ searchParams }: Props) {
  const user = await requirePermission("console:read");
  const canManage = can(user, "sources:manage");
  const search = await searchParams;
  const query = sourceListQuerySchema.safeParse(search);
  const firstPage = await listSourcePage(query.success ? query.data : sourceListQuerySchema.parse({}));
  // A Slack answer that could not be tied to any source (a forged or foreign state) lands here.
  const grantError = grantFailureSchema.safeParse(search.grant_error);
  const deletedNotice = sourceDeletedNotice(search);
  const createButton = canManage ? (
    <Link href="/sources/new" className={buttonClassName()}>
      <Plus aria-hidden className="size-4" />
      Create New
    </Link>
  ) : null;
  return (
    <>
      <PageHeader title="Sources" description="Slack apps Tributary pulls logs from every minute, and whether their data is flowing." actions={createButton} />
      {grantError.success ? (
        <div className="mb-6">
          <Alert tone="error">
            <strong>{GRANT_FAILURES[grantError.data].title}.</strong> {GRANT_FAILURES[grantError.data].explanation} {GRANT_FAILURES[grantError.data].fix}
          </Alert>
        </div>
      ) : null}
      {deletedNotice ? (
        <div className="mb-6">
          <Alert tone={deletedNotice.tone}>{deletedNotice.text}</Alert>
        </div>
      ) : null}
      {firstPage.totalUnfiltered > 0 ? (
        <Card>
          <SourceTable initialData={firstPage} canManage={canManage} />
        </Card>
      ) : (
        <Card>
          <EmptyState
            icon={Waves}
            title="No sources yet"
            actions={
              canManage ? (
                <Link href="/sources/new" className={buttonClassName("secondary")}>
                  Set up your first Slack source
                </Link>
              ) : null
            }
          >
            A source is one Slack app installation. Tributary pulls its logs every minute, turns them into typed events and raises an alarm when they
            stop arriving. Your Slack plan decides which logs a source can pull.
          </EmptyState>
          <div className="grid gap-4 border-t border-slate-100 p-5 md:grid-cols-3">
            {LOG_TYPES.map((name) => {
              const Icon = LOG_TYPE_ICONS[name];
              return (
                <div key={name} className="rounded-lg border border-slate-200 p-4">
                  <div className="flex items-center gap-2">
                    <Icon aria-hidden className="size-4 text-brand-600" />
                    <span className="font-mono text-sm font-medium text-slate-900">{name}</span>
                  </div>
                  <p className="mt-2 text-sm text-slate-500">{LOG_TYPE_INFO[name].description}</p>
                  <Badge className="mt-3">{LOG_TYPE_INFO[name].plans.map((plan) => PLAN_INFO[plan].label).join(" or ")}</Badge>
                </div>
              );
            })}
          </div>
        </Card>
      )}
    </>
  );
}
