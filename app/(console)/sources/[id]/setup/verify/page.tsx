import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { PageHeader } from "@/components/layout/page-header";
import { describeInstall, installTargetOf, requiredUserScopes } from "@/features/sources/schema";
import { VerifyStep } from "@/features/wizard/components/verify-step";
import { WizardProgress } from "@/features/wizard/components/wizard-progress";
import { findUnansweredGrant } from "@/features/wizard/data";
import { loadWizardSource } from "@/features/wizard/loaders";
import { grantOutcomeQuerySchema, setupStepPath } from "@/features/wizard/schema";
import { slackRedirectUri } from "@/features/wizard/slack-grant";

export const metadata: Metadata = { title: "Verify setup" };

type Props = { params: Promise<{ id: string }>; searchParams: Promise<Record<string, string | string[] | undefined>> };

export default async function VerifyPage({ params, searchParams }: Props) {
  const { user, source } = await loadWizardSource(params);
  const isSetup = source.status === "DRAFT" || source.status === "AWAITING_GRANT";
  if (isSetup && !source.credentialsSavedAt) redirect(setupStepPath(source.id, "credentials"));
  const query = grantOutcomeQuerySchema.parse(Object.fromEntries(Object.entries(await searchParams).map(([key, value]) => [key, Array.isArray(value) ? value[0] : value])));
  const unanswered = query.error ? null : await findUnansweredGrant(source.id, user.id);
  const mode = isSetup ? "setup" : query.mode === "rotate" ? "rotate" : "regrant";
  const installedOn = source.grantedAt ? describeInstall(source) : null;
  return (
    <>
      <PageHeader title={isSetup ? source.name : `Re-grant access: ${source.name}`} description={isSetup ? "Grant Tributary access to the logs in Slack." : "Install the app again to give the source a new token. Its events and progress are kept."} />
      <WizardProgress current="verify" />
      <div className="max-w-3xl">
        <VerifyStep
          source={{ id: source.id, name: source.name, userScopes: requiredUserScopes(source.logTypes), installTarget: installTargetOf(source.logTypes), installedOn }}
          mode={mode}
          redirectUrl={slackRedirectUri()}
          failure={query.error ? { reason: query.error, missingScopes: query.missing ?? [], slackError: query.slack ?? null } : null}
          unansweredSince={unanswered ? unanswered.createdAt.toISOString() : null}
        />
      </div>
    </>
  );
}
