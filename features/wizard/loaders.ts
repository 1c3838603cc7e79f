import { notFound } from "next/navigation";
import { requirePermission } from "@/features/auth/session";
import { findSource } from "@/features/sources/data";
import { sourceIdSchema } from "@/features/sources/schema";

/** For the wizard's pages: an admin, and the source the URL names (404 for anything else, after the role check). */
export async function loadWizardSource(params: Promise<{ id: string }>) {
  const user = await requirePermission("sources:manage");
  const id = sourceIdSchema.safeParse((await params).id);
  const source = id.success ? await findSource(id.data) : null;
  if (!source) notFound();
  return { user, source };
}
