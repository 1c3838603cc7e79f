"use client";

import { useRouter } from "next/navigation";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { Alert } from "@/components/ui/field";
import { AlarmSettingsForm } from "@/features/alarms/components/alarm-settings-form";
import { ALARM_DEFAULT_MINUTES, type AlarmSettings } from "@/features/sources/schema";
import { finishSetupAction } from "@/features/wizard/actions";

export type AlarmStepProps = {
  source: { id: string; name: string; grantedFor: string; installer: string | null; scopes: string[] };
  defaultRecipient: string;
  /** The shortest threshold this deployment allows (ALARM_MIN_THRESHOLD_MINUTES). */
  minimumMinutes: number;
};

/** Step 4: access is granted; set the log drop-off alarm and finish. */
export function AlarmStep({ source, defaultRecipient, minimumMinutes }: AlarmStepProps) {
  const router = useRouter();

  async function finishSetup(settings: AlarmSettings) {
    const result = await finishSetupAction(settings);
    if (result.ok) router.push(result.data.next);
    return result;
  }

  return (
    <div className="space-y-6">
      <Alert tone="success">
        Access granted for {source.grantedFor}
        {source.installer ? ` by ${source.installer}` : ""} with {source.scopes.join(", ")}.
      </Alert>
      <Card>
        <CardHeader title="Log drop-off alarm" description="Tributary emails the recipients when no events arrive for this long, and again when they resume." />
        <CardBody>
          <AlarmSettingsForm
            sourceId={source.id}
            minimumMinutes={minimumMinutes}
            // "24 hours" rather than "1 day": the wizard has always offered the default in hours.
            initial={{ isEnabled: true, thresholdMinutes: ALARM_DEFAULT_MINUTES, recipients: [defaultRecipient], unit: "hours" }}
            label="Log drop-off alarm"
            submitLabel="Finish Setup"
            pendingLabel="Finishing…"
            onSubmit={finishSetup}
          />
        </CardBody>
      </Card>
    </div>
  );
}
