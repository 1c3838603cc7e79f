import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { PageHeader } from "@/components/layout/page-header";
import { Card, CardBody } from "@/components/ui/card";
import { SourceConfigForm } from "@/features/wizard/components/source-config-form";
import { WizardProgress } from "@/features/wizard/components/wizard-progress";
import { loadWizardSource } from "@/features/wizard/loaders";

export const metadata: Metadata = { title: "Configure source" };

export default async function ConfigureSourcePage({ params }: { params: Promise<{ id: string }> }) {
  const { source } = await loadWizardSource(params);
  // Once granted, the token belongs to one plan's kind of install: changing it means a new source.
  if (source.grantedAt) redirect(`/sources/${source.id}`);
  return (
    <>
      <PageHeader title={source.name} description="Name the source and pick your Slack plan: it decides which logs can be pulled." />
      <WizardProgress current="configure" />
      <Card className="max-w-3xl">
        <CardBody>
          <SourceConfigForm initial={{ sourceId: source.id, name: source.name, plan: source.plan, logTypes: source.logTypes, backfillMinutes: source.backfillMinutes }} />
        </CardBody>
      </Card>
    </>
  );
}
