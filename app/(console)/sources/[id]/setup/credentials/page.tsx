import type { Metadata } from "next";
import Link from "next/link";
import { PageHeader } from "@/components/layout/page-header";
import { CredentialsStep } from "@/features/wizard/components/credentials-step";
import { WizardProgress } from "@/features/wizard/components/wizard-progress";
import { loadWizardSource } from "@/features/wizard/loaders";
import { slackRedirectUri } from "@/features/wizard/slack-grant";

export const metadata: Metadata = { title: "Set credentials" };

export default async function CredentialsPage({ params }: { params: Promise<{ id: string }> }) {
  const { source } = await loadWizardSource(params);
  const isSetup = source.status === "DRAFT" || source.status === "AWAITING_GRANT";
  return (
    <>
      <PageHeader
        title={isSetup ? source.name : `Rotate credentials: ${source.name}`}
        description={
          isSetup ? (
            <>
              Create the Slack app and enter its credentials.{" "}
              {!source.grantedAt ? (
                <Link href={`/sources/${source.id}/setup/configure`} className="underline">
                  Change name or plan
                </Link>
              ) : null}
            </>
          ) : (
            "Enter the app's new Client ID and Client Secret. The source keeps pulling with its current token until you grant access again."
          )
        }
      />
      <WizardProgress current="credentials" />
      <div className="max-w-3xl">
        <CredentialsStep
          source={{ id: source.id, name: source.name, logTypes: source.logTypes, clientId: source.clientId, hasClientSecret: source.hasClientSecret }}
          redirectUrl={slackRedirectUri()}
          mode={isSetup ? "setup" : "rotate"}
        />
      </div>
    </>
  );
}
