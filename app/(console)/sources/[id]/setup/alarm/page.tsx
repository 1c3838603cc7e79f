import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { PageHeader } from "@/components/layout/page-header";
import { describeInstall } from "@/features/sources/schema";
import { AlarmStep } from "@/features/wizard/components/alarm-step";
import { WizardProgress } from "@/features/wizard/components/wizard-progress";
import { loadWizardSource } from "@/features/wizard/loaders";
import { setupStepPath } from "@/features/wizard/schema";
import { getEnv } from "@/lib/env";

export const metadata: Metadata = { title: "Drop-off alarm" };

export default async function AlarmPage({ params }: { params: Promise<{ id: string }> }) {
  const { user, source } = await loadWizardSource(params);
  if (source.status !== "DRAFT" && source.status !== "AWAITING_GRANT") redirect(`/sources/${source.id}`);
  if (!source.grantedAt) redirect(setupStepPath(source.id, source.credentialsSavedAt ? "verify" : "credentials"));
  return (
    <>
      <PageHeader title={source.name} description="Set up the log drop-off alarm, then finish." />
      <WizardProgress current="alarm" />
      <div className="max-w-3xl">
        <AlarmStep
          source={{ id: source.id, name: source.name, grantedFor: describeInstall(source), installer: source.installerName ? `@${source.installerName}` : source.installerUserId, scopes: source.grantedScopes }}
          defaultRecipient={user.email}
          minimumMinutes={getEnv().ALARM_MIN_THRESHOLD_MINUTES}
        />
      </div>
    </>
  );
}
