import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { requirePermission } from "@/features/auth/session";
import { PullHistory } from "@/features/sources/components/source-activity";
import { findSourceLogTypes, listPullHistory } from "@/features/sources/data";
import { pullHistoryQuerySchema, sourceIdSchema } from "@/features/sources/schema";

export const metadata: Metadata = { title: "Pull history" };

export default async function SourcePullsPage({ params }: { params: Promise<{ id: string }> }) {
  await requirePermission("console:read");
  const id = sourceIdSchema.safeParse((await params).id);
  const logTypes = id.success ? await findSourceLogTypes(id.data) : null;
  if (!id.success || !logTypes) notFound();
  const firstPage = await listPullHistory(id.data, pullHistoryQuerySchema.parse({}));
  return <PullHistory sourceId={id.data} logTypes={logTypes} initialData={firstPage} />;
}
