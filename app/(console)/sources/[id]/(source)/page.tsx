import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import type { ReactNode } from "react";
import { PageHeader } from "@/components/layout/page-header";
import { buttonClassName } from "@/components/ui/button";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { Alert } from "@/components/ui/field";
import { RelativeTime } from "@/components/ui/relative-time";
import { AlarmCard } from "@/features/alarms/components/alarm-card";
import { listAlarmHistory } from "@/features/alarms/data";
import { can } from "@/features/auth/permissions";
import { requirePermission } from "@/features/auth/session";
import { listLatestPullRuns } from "@/features/pulls/data";
import { PULL_OUTCOME_LABELS } from "@/features/pulls/schema";
import { PauseResume } from "@/features/sources/components/pause-resume";
import { SourceHealthBadge, SourceHealthChecks } from "@/features/sources/components/source-health";
import { SourceStatusBadge } from "@/features/sources/components/source-status-badge";
import { findSource, loadSourceHealth } from "@/features/sources/data";
import { BACKFILL_CHOICES, describeLogTypes, describeMinutes, LOG_TYPE_INFO, PLAN_INFO, resumeStepOf, SETUP_STEP_LABELS, sourceIdSchema } from "@/features/sources/schema";
import { DiscardDraft } from "@/features/wizard/components/discard-draft";
import { setupStepPath } from "@/features/wizard/schema";
import { getEnv } from "@/lib/env";

export const metadata: Metadata = { title: "Source" };

type Props = { params: Promise<{ id: string }>; searchParams: Promise<Record<string, string | string[] | undefined>> };

function Detail({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div className="grid grid-cols-3 gap-4 py-2">
      <dt className="text-sm text-slate-500">{label}</dt>
      <dd className="col-span-2 text-sm text-slate-900">{children}</dd>
    </div>
  );
}

const FLASH: Record<string, { tone: "success" | "error"; text: string }> = {
  "activated:1": { tone: "success", text: "Setup finished. The source is active and its first pull is queued." },
  "activated:deferred": { tone: "success", text: "Setup finished and the source is active. The queue was unreachable, so its pulls start when the worker next reconciles (within 5 minutes)." },
  "granted:1": { tone: "success", text: "Access granted again. The source now pulls with the new token; its events and progress are kept." },
};

export default async function SourcePage({ params, searchParams }: Props) {
  const user = await requirePermission("console:read");
  const id = sourceIdSchema.safeParse((await params).id);
  const source = id.success ? await findSource(id.data) : null;
  if (!source) notFound();
  const query = await searchParams;
  const flash = FLASH[`activated:${String(query.activated)}`] ?? FLASH[`granted:${String(query.granted)}`];
  const canManage = can(user, "sources:manage");
  const resumeStep = resumeStepOf(source);
  const needsRegrantForRotation = source.grantedClientId !== null && source.clientId !== source.grantedClientId;
  const latestRuns = source.activatedAt ? await listLatestPullRuns(source.id, source.logTypes) : [];
  const health = source.activatedAt ? await loadSourceHealth(source) : null;
  const alarmHistory = await listAlarmHistory(source.id);
  const canPause = source.status === "ACTIVE" || source.status === "ERROR" || source.status === "PAUSED";
  const backfillLabel = BACKFILL_CHOICES.find((choice) => choice.minutes === source.backfillMinutes)?.label ?? describeMinutes(source.backfillMinutes);

  const actions = canManage ? (
    resumeStep ? (
      <>
        <DiscardDraft source={{ id: source.id, name: source.name, isGranted: source.grantedAt !== null }} />
        <Link href={`/sources/${source.id}/setup/${resumeStep}`} className={buttonClassName()}>
          Resume setup ({SETUP_STEP_LABELS[resumeStep]})
        </Link>
      </>
    ) : (
      <>
        {canPause ? <PauseResume sourceId={source.id} isPaused={source.status === "PAUSED"} /> : null}
        <Link href={setupStepPath(source.id, "credentials", "rotate")} className={buttonClassName("secondary")}>
          Rotate credentials
        </Link>
        <Link href={setupStepPath(source.id, "verify", "regrant")} className={buttonClassName(needsRegrantForRotation ? "primary" : "secondary")}>
          Re-grant access
        </Link>
      </>
    )
  ) : null;

  return (
    <>
      <PageHeader title={source.name} description={`${PLAN_INFO[source.plan].label} · ${describeLogTypes(source.logTypes)}`} actions={actions} />
      <div className="max-w-3xl space-y-6">
        {flash ? <Alert tone={flash.tone}>{flash.text}</Alert> : null}
        {needsRegrantForRotation && canManage ? (
          <Alert tone="error">The saved credentials belong to a different app than the current token. Re-grant access to finish rotating them.</Alert>
        ) : null}
        {health ? (
          <Card>
            <CardHeader title="Health" description="Healthy only when every check is." actions={<SourceHealthBadge health={health} />} />
            <CardBody>
              <SourceHealthChecks sourceId={source.id} health={health} canManage={canManage} />
            </CardBody>
          </Card>
        ) : null}
        <Card>
          <CardHeader title="Connection" />
          <CardBody>
            <dl className="divide-y divide-slate-100">
              <Detail label="Status">
                <SourceStatusBadge status={source.status} />
              </Detail>
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
            </dl>
          </CardBody>
        </Card>
        {source.activatedAt ? (
          <Card>
            <CardHeader title="Pulls" />
            <CardBody>
              <dl className="divide-y divide-slate-100">
                {latestRuns.map(({ logType, run }) => (
                  <Detail key={logType} label={LOG_TYPE_INFO[logType].label}>
                    {run ? (
                      <>
                        <span className="font-medium">{PULL_OUTCOME_LABELS[run.outcome]}</span> <RelativeTime value={run.startedAt.toISOString()} />: {run.stored.toLocaleString("en")} new of{" "}
                        {run.fetched.toLocaleString("en")} fetched
                        {run.failures ? `, ${run.failures.toLocaleString("en")} not matching the schema` : ""}
                        {run.error ? <span className="mt-1 block text-xs text-slate-600">{run.error}</span> : null}
                      </>
                    ) : (
                      "Waiting for the first pull"
                    )}
                  </Detail>
                ))}
                <Detail label="Last event received">{source.lastEventReceivedAt ? <RelativeTime value={source.lastEventReceivedAt.toISOString()} /> : "None yet"}</Detail>
                <Detail label="Newest event">{source.lastEventTime ? <RelativeTime value={source.lastEventTime.toISOString()} /> : "None yet"}</Detail>
                <Detail label="First pull reached back">{backfillLabel}</Detail>
              </dl>
            </CardBody>
          </Card>
        ) : null}
        <AlarmCard
          // Only the alarm's fields: the rest of the row is no business of the browser's.
          source={{
            id: source.id,
            status: source.status,
            alarmEnabled: source.alarmEnabled,
            alarmThresholdMinutes: source.alarmThresholdMinutes,
            alarmRecipients: source.alarmRecipients,
            alarmState: source.alarmState,
            alarmStateSince: source.alarmStateSince,
          }}
          history={alarmHistory}
          // Until setup is finished, the wizard's last step sets the alarm (and Finish Setup overwrites it).
          canManage={canManage && !resumeStep}
          minimumMinutes={getEnv().ALARM_MIN_THRESHOLD_MINUTES}
        />
      </div>
    </>
  );
}
