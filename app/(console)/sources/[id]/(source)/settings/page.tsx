import type { Metadata } from "next";
import { notFound } from "next/navigation";
import type { ReactNode } from "react";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { can } from "@/features/auth/permissions";
import { requirePermission } from "@/features/auth/session";
import { ReplayForm } from "@/features/pulls/components/replay-form";
import { ReplayHistory } from "@/features/pulls/components/replay-history";
import { countStoredEvents, listReplays } from "@/features/pulls/data";
import { DeleteSource } from "@/features/sources/components/delete-source";
import { PauseResume } from "@/features/sources/components/pause-resume";
import { BackfillWindowForm, RenameSourceForm } from "@/features/sources/components/source-settings";
import { SourceStatusBadge } from "@/features/sources/components/source-status-badge";
import { findSource } from "@/features/sources/data";
import { BACKFILL_CHOICES, defaultReplayWindow, describeLogTypes, describeMinutes, LOG_TYPE_INFO, sourceIdSchema } from "@/features/sources/schema";

export const metadata: Metadata = { title: "Source settings" };

type Props = { params: Promise<{ id: string }> };

function Detail({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div className="grid grid-cols-3 gap-4 py-2">
      <dt className="text-sm text-slate-500">{label}</dt>
      <dd className="col-span-2 text-sm text-slate-900">{children}</dd>
    </div>
  );
}

// The Settings tab of a source (the layout above renders its header and tabs). Admins change the
// settings here; analysts read them, and the actions refuse them anyway.
export default async function SourceSettingsPage({ params }: Props) {
  const user = await requirePermission("console:read");
  const id = sourceIdSchema.safeParse((await params).id);
  const source = id.success ? await findSource(id.data) : null;
  if (!source) notFound();
  const canManage = can(user, "sources:manage");
  const isSetUp = source.activatedAt !== null;
  const replays = isSetUp ? await listReplays(source.id) : [];
  const backfillLabel = BACKFILL_CHOICES.find((choice) => choice.minutes === source.backfillMinutes)?.label ?? describeMinutes(source.backfillMinutes);
  const replayCard = (form: ReactNode) => (
    <Card>
      <CardHeader
        title="Replay a time window"
        description="Reads one log type again over a window you choose and stores what is missing; events already stored are skipped. Use it to fetch events older than a log type's first pull, or to fill a gap."
      />
      {form ? <CardBody>{form}</CardBody> : null}
      <div className={form ? "border-t border-slate-100" : undefined}>
        <h3 className="px-5 pt-4 text-sm font-semibold text-slate-900">Recent replays</h3>
        <ReplayHistory replays={replays} />
      </div>
    </Card>
  );

  if (!canManage) {
    return (
      <div className="max-w-3xl space-y-6">
        <Card>
          <CardHeader title="Settings" description="Only admins change a source's settings." />
          <CardBody>
            <dl className="divide-y divide-slate-100">
              <Detail label="Name">{source.name}</Detail>
              <Detail label="Status">
                <SourceStatusBadge status={source.status} />
              </Detail>
              <Detail label="Log types">{describeLogTypes(source.logTypes)}</Detail>
              <Detail label="First pull reaches back">{backfillLabel}</Detail>
            </dl>
          </CardBody>
        </Card>
        {isSetUp ? replayCard(null) : null}
      </div>
    );
  }

  const eventCount = await countStoredEvents(source.id);
  const canPause = source.status === "ACTIVE" || source.status === "ERROR" || source.status === "PAUSED";
  return (
    <div className="max-w-3xl space-y-6">
      <Card>
        <CardHeader title="Name" />
        <CardBody>
          <RenameSourceForm sourceId={source.id} name={source.name} />
        </CardBody>
      </Card>

      <Card>
        <CardHeader title="Backfill window" description="How much history the first pull of a log type fetches." />
        <CardBody className="space-y-3">
          <BackfillWindowForm sourceId={source.id} backfillMinutes={source.backfillMinutes} />
          <p className="text-xs text-slate-500">To fetch older events of a log type that is already pulling, replay a time window below.</p>
        </CardBody>
      </Card>

      <Card>
        <CardHeader
          title="Pulling"
          description={
            canPause
              ? "Pausing stops the scheduled pulls and the drop-off alarm without losing the source's place: on resume, each log type continues where it stopped and fetches the time it missed. A pull already running finishes its window."
              : "Pulling starts when the source's setup is finished."
          }
        />
        {canPause ? (
          <CardBody className="flex flex-wrap items-center gap-3">
            <PauseResume sourceId={source.id} isPaused={source.status === "PAUSED"} />
          </CardBody>
        ) : null}
      </Card>

      {isSetUp
        ? replayCard(<ReplayForm sourceId={source.id} logTypes={source.logTypes.map((logType) => ({ value: logType, label: LOG_TYPE_INFO[logType].label }))} defaultWindow={defaultReplayWindow()} />)
        : null}

      <Card className="border-red-200">
        <CardHeader title="Delete source" description="Removes the source from Tributary and revokes its access in Slack. You choose whether its events stay." />
        <CardBody>
          <DeleteSource source={{ id: source.id, name: source.name, eventCount, isGranted: source.grantedAt !== null }} />
        </CardBody>
      </Card>
    </div>
  );
}
