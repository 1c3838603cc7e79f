import type { Metadata } from "next";
import { PageHeader } from "@/components/layout/page-header";
import { Card, CardBody } from "@/components/ui/card";
import { requirePermission } from "@/features/auth/session";
import { SourceConfigForm } from "@/features/wizard/components/source-config-form";
import { WizardProgress } from "@/features/wizard/components/wizard-progress";

export const metadata: Metadata = { title: "New Slack source" };

export default async function NewSlackSourcePage() {
  await requirePermission("sources:manage");
  return (
    <>
      <PageHeader title="New Slack source" description="Name the source and pick your Slack plan: it decides which logs can be pulled." />
      <WizardProgress current="configure" />
      <Card className="max-w-3xl">
        <CardBody>
          <SourceConfigForm />
        </CardBody>
      </Card>
    </>
  );
}
