import type { Metadata } from "next";
import { notFound } from "next/navigation";
import type { ReactNode } from "react";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { Alert } from "@/components/ui/field";
import { RelativeTime } from "@/components/ui/relative-time";
import { can } from "@/features/auth/permissions";
import { requirePermission } from "@/features/auth/session";
import { SourceOverview } from "@/features/sources/components/source-overview";
import { findSource, loadSourceSummary } from "@/features/sources/data";
import { BACKFILL_CHOICES, describeMinutes, sourceIdSchema } from "@/features/sources/schema";

export const metadata: Metadata = { title: "Source" };

type Props = { params: Promise<{ id: string }>; searchParams: Promise<Record<string, string | string[] | undefined>> };

function Detail({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div className="grid grid-cols-3 gap-4 py-2">
      <dt className="text-sm text-slate-500">{label}</dt>
      <dd className="col-span-2 text-sm break-words text-slate-900">{children}</dd>
    </div>
  );
}

const FLASH: Record<string, { tone: "success" | "error"; text: string }> = {
  "activated:1": { tone: "success", text: "Setup finished. The source is active and its first pull is queued." },
  "activated:deferred": { tone: "success", text: "Setup finished and the source is active. The queue was unreachable, so its pulls start when the worker next reconciles (within 5 minutes)." },
  "granted:1": { tone: "success", text: "Access granted again. The source now pulls with the new token; its events and progress are kept." },
};

export default async function SourceOverviewPage({ params, searchParams }: Props) {
  const user = await requirePermission("console:read");
  const id = sourceIdSchema.safeParse((await params).id);
  const source = id.success ? await findSource(id.data) : null;
  const summary = source ? await loadSourceSummary(source.id) : null;
  if (!source || !summary) notFound();
  const query = await searchParams;
  const flash = FLASH[`activated:${String(query.activated)}`] ?? FLASH[`granted:${String(query.granted)}`];
  const canManage = can(user, "sources:manage");
  const needsRegrantForRotation = source.grantedClientId !== null && source.clientId !== source.grantedClientId;
  const backfillLabel = BACKFILL_CHOICES.find((choice) => choice.minutes === source.backfillMinutes)?.label ?? describeMinutes(source.backfillMinutes);

  return (
    <div className="space-y-6">
      {flash ? <Alert tone={flash.tone}>{flash.text}</Alert> : null}
      {needsRegrantForRotation && canManage ? (
        <Alert tone="error">The saved credentials belong to a different app than the current token. Re-grant access to finish rotating them.</Alert>
      ) : null}
      <SourceOverview initialData={summary} canManage={canManage} />
      <Card>
        <CardHeader title="Connection" />
        <CardBody>
          <dl className="divide-y divide-slate-100">
            <Detail label="Slack">
              {source.grantedAt ? (
                <>
                  {source.isEnterpriseInstall ? "Organization" : "Workspace"} {source.isEnterpriseInstall ? source.slackEnterpriseName : source.slackTeamName}{" "}
                  <span className="font-mono text-xs text-slate-500">{source.isEnterpriseInstall ? source.slackEnterpriseId : source.slackTeamId}</span>
                </>
              ) : (
                "Access not granted yet"
              )}
            </Detail>
            {source.grantedAt ? (
              <>
                <Detail label="Installed by">{source.installerName ? `@${source.installerName} (${source.installerUserId})` : source.installerUserId}</Detail>
                <Detail label="Scopes">{source.grantedScopes.length ? source.grantedScopes.join(", ") : "Not reported (access was added from the command line)"}</Detail>
                <Detail label="Access granted">
                  <RelativeTime value={source.grantedAt.toISOString()} />
                </Detail>
              </>
            ) : null}
            <Detail label="Client ID">{source.clientId ? <span className="font-mono">{source.clientId}</span> : "Not set"}</Detail>
            <Detail label="Client Secret">{source.hasClientSecret ? "saved ••••" : "Not set"}</Detail>
            <Detail label="First pull reached back">{backfillLabel}</Detail>
            <Detail label="Source ID">
              <span className="font-mono text-xs">{source.id}</span>
            </Detail>
          </dl>
        </CardBody>
      </Card>
    </div>
  );
}
