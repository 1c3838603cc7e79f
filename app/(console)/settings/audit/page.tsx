import type { Metadata } from "next";
import { AuditTrail } from "@/features/audit/components/audit-trail";
import { requirePermission } from "@/features/auth/session";

export const metadata: Metadata = { title: "Audit trail" };

export default async function AuditTrailPage() {
  await requirePermission("audit:read");
  return <AuditTrail />;
}
