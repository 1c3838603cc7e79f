import { BellRing } from "lucide-react";
import type { Metadata } from "next";
import Link from "next/link";
import { PageHeader } from "@/components/layout/page-header";
import { buttonClassName } from "@/components/ui/button";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { Alert } from "@/components/ui/field";
import { RelativeTime } from "@/components/ui/relative-time";
import { TableHead } from "@/components/ui/table";
import { AlarmStateBadge, AlarmStateSince } from "@/features/alarms/components/alarm-card";
import { loadAlarmsOverview } from "@/features/alarms/data";
import { INCIDENT_LABELS } from "@/features/alarms/schema";
import { can } from "@/features/auth/permissions";
import { requirePermission } from "@/features/auth/session";
import { describeDuration } from "@/features/notifications/messages";
import { describeMinutes } from "@/features/sources/schema";

export const metadata: Metadata = { title: "Alarms" };

/** Closed incidents listed under the open ones: enough to see a pattern without becoming a log. */
const RECENT_INCIDENTS_SHOWN = 5;

export default async function AlarmsPage() {
  const user = await requirePermission("console:read");
  const { sources, incidents } = await loadAlarmsOverview();
  const openIncidents = incidents.filter((incident) => incident.endedAt === null);
  const closedIncidents = incidents.flatMap(({ endedAt, ...incident }) => (endedAt ? [{ ...incident, endedAt }] : [])).slice(0, RECENT_INCIDENTS_SHOWN);

  return (
    <>
      <PageHeader title="Alarms" description="Log drop-off alarms: who gets told, and when a source has gone quiet." />
      <div className="space-y-6">
        {openIncidents.map((incident) => (
          <Alert key={incident.id} tone="error">
            <strong>{INCIDENT_LABELS[incident.kind]}</strong> since <RelativeTime value={incident.startedAt.toISOString()} />. {incident.detail}{" "}
            While this lasts, alarm emails are held (every source looks quiet when Tributary itself is failing); the admins were emailed instead.
          </Alert>
        ))}

        {closedIncidents.length > 0 ? (
          <Card>
            <CardHeader title="Recent Tributary incidents" description="Times Tributary itself was failing. Alarm emails were held meanwhile, and the admins told." />
            <CardBody>
              <ul className="divide-y divide-slate-100 text-sm">
                {closedIncidents.map((incident) => (
                  <li key={incident.id} className="py-2">
                    <div>
                      <span className="font-medium text-slate-900">{INCIDENT_LABELS[incident.kind]}</span>{" "}
                      <span className="text-slate-600">
                        started <RelativeTime value={incident.startedAt.toISOString()} />, lasted {describeDuration(incident.endedAt.getTime() - incident.startedAt.getTime())}
                      </span>
                    </div>
                    <div className="text-xs text-slate-500">{incident.detail}</div>
                  </li>
                ))}
              </ul>
            </CardBody>
          </Card>
        ) : null}

        {sources.length > 0 ? (
          <Card>
            <table className="w-full text-left text-sm">
              <caption className="sr-only">Drop-off alarms of active, paused and failing sources</caption>
              <TableHead columns={["Source", "Alarm", "Since", "Threshold", "Recipients", "Last event received"]} />
              <tbody className="divide-y divide-slate-100">
                {sources.map((source) => (
                  <tr key={source.id} className="align-top">
                    <th scope="row" className="px-5 py-3 font-normal">
                      <Link href={`/sources/${source.id}`} className="font-medium text-slate-900 hover:underline">
                        {source.name}
                      </Link>
                    </th>
                    <td className="px-5 py-3">
                      <AlarmStateBadge status={source.status} alarmEnabled={source.alarmEnabled} alarmState={source.alarmState} />
                    </td>
                    <td className="px-5 py-3 whitespace-nowrap text-slate-500">
                      <AlarmStateSince status={source.status} alarmEnabled={source.alarmEnabled} alarmState={source.alarmState} since={source.alarmStateSince} />
                    </td>
                    <td className="px-5 py-3 text-slate-600">{source.alarmEnabled ? `No events for ${describeMinutes(source.alarmThresholdMinutes)}` : "Off"}</td>
                    <td className="px-5 py-3 break-words text-slate-600">{source.alarmRecipients.length ? source.alarmRecipients.join(", ") : "None"}</td>
                    <td className="px-5 py-3 whitespace-nowrap text-slate-500">{source.lastEventReceivedAt ? <RelativeTime value={source.lastEventReceivedAt.toISOString()} /> : "Never"}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </Card>
        ) : (
          <Card>
            <EmptyState
              icon={BellRing}
              title="No sources to watch"
              actions={
                can(user, "sources:manage") ? (
                  <Link href="/sources/new" className={buttonClassName("secondary")}>
                    Set up a Slack source
                  </Link>
                ) : null
              }
            >
              Every source gets a drop-off alarm when it is set up. When no logs arrive for longer than its threshold, Tributary emails the recipients
              once, and again when logs flow again.
            </EmptyState>
          </Card>
        )}

      </div>
    </>
  );
}
