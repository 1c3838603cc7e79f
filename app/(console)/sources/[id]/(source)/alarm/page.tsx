import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { AlarmCard } from "@/features/alarms/components/alarm-card";
import { listAlarmHistory } from "@/features/alarms/data";
import { can } from "@/features/auth/permissions";
import { requirePermission } from "@/features/auth/session";
import { findSource } from "@/features/sources/data";
import { resumeStepOf, sourceIdSchema } from "@/features/sources/schema";
import { getEnv } from "@/lib/env";

export const metadata: Metadata = { title: "Source alarm" };

export default async function SourceAlarmPage({ params }: { params: Promise<{ id: string }> }) {
  const user = await requirePermission("console:read");
  const id = sourceIdSchema.safeParse((await params).id);
  const source = id.success ? await findSource(id.data) : null;
  if (!source) notFound();
  const alarmHistory = await listAlarmHistory(source.id);
  return (
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
      canManage={can(user, "sources:manage") && !resumeStepOf(source)}
      minimumMinutes={getEnv().ALARM_MIN_THRESHOLD_MINUTES}
    />
  );
}
