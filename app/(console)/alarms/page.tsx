import { BellRing } from "lucide-react";
import type { Metadata } from "next";
import { PageHeader } from "@/components/layout/page-header";
import { Card } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { requirePermission } from "@/features/auth/session";

export const metadata: Metadata = { title: "Alarms" };

export default async function AlarmsPage() {
  await requirePermission("console:read");
  return (
    <>
      <PageHeader title="Alarms" description="Log drop-off alarms: who gets told, and when a source has gone quiet." />
      <Card>
        <EmptyState icon={BellRing} title="No alarms configured">
          Every source gets a drop-off alarm when it is set up. When no logs arrive for longer than its threshold, Tributary emails the
          recipients once, and again when logs flow again.
        </EmptyState>
      </Card>
    </>
  );
}
