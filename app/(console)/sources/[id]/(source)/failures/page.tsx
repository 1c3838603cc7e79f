import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { requirePermission } from "@/features/auth/session";
import { ClassificationFailures } from "@/features/sources/components/source-activity";
import { findSourceLogTypes } from "@/features/sources/data";
import { sourceIdSchema } from "@/features/sources/schema";

export const metadata: Metadata = { title: "Classification failures" };

export default async function SourceFailuresPage({ params }: { params: Promise<{ id: string }> }) {
  await requirePermission("console:read");
  const id = sourceIdSchema.safeParse((await params).id);
  if (!id.success || !(await findSourceLogTypes(id.data))) notFound();
  return <ClassificationFailures sourceId={id.data} />;
}
