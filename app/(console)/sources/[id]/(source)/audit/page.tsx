import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { requirePermission } from "@/features/auth/session";
import { SourceAuditTrail } from "@/features/sources/components/source-activity";
import { findSourceLogTypes } from "@/features/sources/data";
import { sourceIdSchema } from "@/features/sources/schema";

export const metadata: Metadata = { title: "Source audit trail" };

export default async function SourceAuditPage({ params }: { params: Promise<{ id: string }> }) {
  await requirePermission("console:read");
  const id = sourceIdSchema.safeParse((await params).id);
  if (!id.success || !(await findSourceLogTypes(id.data))) notFound();
  return <SourceAuditTrail sourceId={id.data} />;
}
