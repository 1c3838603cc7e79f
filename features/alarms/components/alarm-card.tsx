"use client";

import { useRouter } from "next/navigation";
import { useState, useTransition, type ReactNode } from "react";
import { Badge, type Tone } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { Alert } from "@/components/ui/field";
import { RelativeTime } from "@/components/ui/relative-time";
import { TableHead } from "@/components/ui/table";
import { sendTestAlarmEmailAction, updateAlarmSettingsAction } from "@/features/alarms/actions";
import { AlarmSettingsForm } from "@/features/alarms/components/alarm-settings-form";
import type { AlarmHistoryEntry } from "@/features/alarms/data";
import { ALARM_HISTORY_LABELS, ALARM_STATE_LABELS, type AlarmState } from "@/features/alarms/schema";
import { describeDuration } from "@/features/notifications/messages";
import { describeMinutes, type AlarmSettings } from "@/features/sources/schema";

// The log drop-off alarm on a source's page: where it stands, its settings (admins change them,
// analysts read them) and every change it went through, with what became of each email.

const STATE_TONES: Record<AlarmState, Tone> = { OK: "success", ALARM: "danger", INSUFFICIENT_DATA: "warning" };

export type AlarmStateFacts = { status: string; alarmEnabled: boolean; alarmState: AlarmState | null };

/** Why a source has no alarm state, in the order a person would look for it. */
function notWatchingLabel({ status, alarmEnabled }: AlarmStateFacts): { label: string; title: string; isAwaitingCheck?: true } {
  if (!alarmEnabled) return { label: "Not watching (alarm off)", title: "The alarm is turned off for this source." };
  if (status === "PAUSED") return { label: "Not watching (paused)", title: "The source is paused; its alarm resumes with it, counting from the resume." };
  if (status !== "ACTIVE" && status !== "ERROR") return { label: "Not watching (setup not finished)", title: "The alarm starts when the source's setup is finished." };
  // Watched, but the evaluator (every minute, in the worker) has not judged it since it was
  // activated or resumed: a stored "since" would be that of the previous, unwatched state.
  return { label: "Not checked yet", title: "The worker checks every alarm once a minute.", isAwaitingCheck: true };
}

/** OK, In alarm, Insufficient data, or why the source is not watched. */
export function AlarmStateBadge(facts: AlarmStateFacts) {
  if (facts.alarmState) return <Badge tone={STATE_TONES[facts.alarmState]}>{ALARM_STATE_LABELS[facts.alarmState]}</Badge>;
  const { label, title } = notWatchingLabel(facts);
  return (
    <span title={title}>
      <Badge tone="neutral">{label}</Badge>
    </span>
  );
}

/** When the state AlarmStateBadge shows began, if known. */
function stateSinceOf(facts: AlarmStateFacts, since: Date | null): Date | null {
  return facts.alarmState || !notWatchingLabel(facts).isAwaitingCheck ? since : null;
}

/** The Alarms page's "Since" column: when the state began, or a dash. */
export function AlarmStateSince({ since, ...facts }: AlarmStateFacts & { since: Date | null }) {
  const known = stateSinceOf(facts, since);
  return known ? <RelativeTime value={known.toISOString()} /> : <>—</>;
}

const historyLabel = (kind: string) => (ALARM_HISTORY_LABELS as Record<string, string | undefined>)[kind] ?? kind;

const UNCONFIRMED_EXPLANATION =
  "The mail server was handed this email but Tributary lost the connection before it confirmed. It was most likely delivered; it is not sent again, to avoid a second copy.";

function EmailOutcome({ entry }: { entry: AlarmHistoryEntry }) {
  const { email } = entry;
  if (!email) {
    if (entry.heldBy) return <span className="text-slate-600">Held: Tributary itself was failing, admins were told</span>;
    if (entry.recipients.length === 0) return <span className="text-slate-500">Nobody (no email for this change)</span>;
    return <span className="text-slate-700">{entry.recipients.join(", ")}</span>;
  }
  let status: ReactNode;
  if (email.status === "sent") status = <Badge tone="success">Sent</Badge>;
  else if (email.status === "queued") status = <Badge tone="info">Queued</Badge>;
  else if (email.status === "unconfirmed") {
    status = (
      <span title={UNCONFIRMED_EXPLANATION}>
        <Badge tone="warning">Sent, unconfirmed</Badge>
        <span className="sr-only"> ({UNCONFIRMED_EXPLANATION})</span>
      </span>
    );
  } else {
    status = (
      <>
        <Badge tone="warning">Retrying</Badge>
        {email.lastError ? <span className="text-xs break-words text-slate-600"> ({email.lastError})</span> : null}
        {email.nextAttemptAt ? (
          <span className="block text-xs text-slate-500">
            Next attempt <RelativeTime value={email.nextAttemptAt.toISOString()} />
          </span>
        ) : null}
      </>
    );
  }
  return (
    <div className="space-y-1">
      <div className="text-slate-700">{entry.recipients.join(", ")}</div>
      <div>{status}</div>
    </div>
  );
}

/** The facts behind an entry: how long the source had been quiet, against which threshold. */
function quietFacts(entry: AlarmHistoryEntry): string | null {
  if (!entry.quietSince || (entry.kind !== "alarm" && entry.kind !== "no_data_overdue")) return null;
  return `Quiet for ${describeDuration(entry.at.getTime() - entry.quietSince.getTime())}; threshold ${describeMinutes(entry.thresholdMinutes)}.`;
}

function AlarmHistoryTable({ entries }: { entries: AlarmHistoryEntry[] }) {
  if (entries.length === 0) return <p className="px-5 py-4 text-sm text-slate-500">No alarm changes yet.</p>;
  return (
    <table className="w-full text-left text-sm">
      <caption className="sr-only">Alarm history, newest first</caption>
      <TableHead columns={["When", "What happened", "Who was notified"]} isDense />
      <tbody className="divide-y divide-slate-100">
        {entries.map((entry) => {
          const facts = quietFacts(entry);
          return (
            <tr key={entry.id} className="align-top">
              <td className="px-5 py-2.5 whitespace-nowrap text-slate-600">
                <RelativeTime value={entry.at.toISOString()} />
              </td>
              <td className="py-2.5 pr-4">
                <div className="font-medium text-slate-900">{historyLabel(entry.kind)}</div>
                {facts ? <div className="text-xs text-slate-600">{facts}</div> : null}
                {entry.detail ? <div className="text-xs text-slate-600">{entry.detail}</div> : null}
              </td>
              <td className="py-2.5 pr-5">
                <EmailOutcome entry={entry} />
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

function SendTestEmail({ sourceId }: { sourceId: string }) {
  const router = useRouter();
  const [outcome, setOutcome] = useState<{ tone: "success" | "error"; text: string } | null>(null);
  const [isPending, startTransition] = useTransition();

  function onClick() {
    setOutcome(null);
    startTransition(async () => {
      const result = await sendTestAlarmEmailAction({ sourceId });
      setOutcome(result.ok ? { tone: "success", text: `Test email sent to ${result.data.recipients.join(", ")}.` } : { tone: "error", text: result.error.message });
      router.refresh();
    });
  }

  return (
    <div className="space-y-3 border-t border-slate-100 pt-4">
      <div className="flex flex-wrap items-center gap-3">
        <Button variant="secondary" onClick={onClick} disabled={isPending}>
          {isPending ? "Sending…" : "Send test email"}
        </Button>
        <p className="text-xs text-slate-500">Sent now to the saved recipients, so you can see whether mail reaches them.</p>
      </div>
      {outcome ? <Alert tone={outcome.tone}>{outcome.text}</Alert> : null}
    </div>
  );
}

export type AlarmCardProps = {
  source: AlarmStateFacts & {
    id: string;
    alarmStateSince: Date | null;
    alarmThresholdMinutes: number;
    alarmRecipients: string[];
  };
  history: AlarmHistoryEntry[];
  /** Admins change the settings and send test emails; everyone else reads them. */
  canManage: boolean;
  /** The shortest threshold this deployment allows (ALARM_MIN_THRESHOLD_MINUTES). */
  minimumMinutes: number;
};

export function AlarmCard({ source, history, canManage, minimumMinutes }: AlarmCardProps) {
  const router = useRouter();

  async function saveSettings(settings: AlarmSettings) {
    const result = await updateAlarmSettingsAction(settings);
    if (result.ok) router.refresh();
    return result;
  }

  const since = stateSinceOf(source, source.alarmStateSince);
  const state = (
    <div className="flex flex-col items-end gap-1 text-right">
      <AlarmStateBadge status={source.status} alarmEnabled={source.alarmEnabled} alarmState={source.alarmState} />
      {since ? (
        <span className="text-xs whitespace-nowrap text-slate-500">
          since <RelativeTime value={since.toISOString()} />
        </span>
      ) : null}
    </div>
  );

  return (
    <>
      <Card>
        <CardHeader title="Log drop-off alarm" description="Tributary emails the recipients when no events arrive for this long, and again when they resume." actions={state} />
        <CardBody className="space-y-4">
          {/* What is saved, as the evaluator applies it; for admins the form below changes it. */}
          <dl className="divide-y divide-slate-100">
            <div className="grid grid-cols-3 gap-4 py-2">
              <dt className="text-sm text-slate-500">Alarm</dt>
              <dd className="col-span-2 text-sm text-slate-900">{source.alarmEnabled ? `On: no events for ${describeMinutes(source.alarmThresholdMinutes)}` : "Off"}</dd>
            </div>
            <div className="grid grid-cols-3 gap-4 py-2">
              <dt className="text-sm text-slate-500">Recipients</dt>
              <dd className="col-span-2 text-sm text-slate-900">{source.alarmRecipients.length ? source.alarmRecipients.join(", ") : "None"}</dd>
            </div>
          </dl>
          {canManage ? (
            <>
              <div className="border-t border-slate-100 pt-4">
                <AlarmSettingsForm
                  sourceId={source.id}
                  minimumMinutes={minimumMinutes}
                  initial={{ isEnabled: source.alarmEnabled, thresholdMinutes: source.alarmThresholdMinutes, recipients: source.alarmRecipients }}
                  label="Alarm settings"
                  submitLabel="Save alarm"
                  pendingLabel="Saving…"
                  successMessage="Alarm settings saved."
                  onSubmit={saveSettings}
                />
              </div>
              <SendTestEmail sourceId={source.id} />
            </>
          ) : null}
        </CardBody>
      </Card>
      <Card>
        <CardHeader title="Alarm history" description="Every change of the alarm's state, newest first, and what became of its email." />
        <AlarmHistoryTable entries={history} />
      </Card>
    </>
  );
}
