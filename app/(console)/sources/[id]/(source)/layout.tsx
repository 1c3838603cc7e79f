import type { Route } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import type { ReactNode } from "react";
import { PageHeader } from "@/components/layout/page-header";
import { TabNav } from "@/components/layout/tab-nav";
import { buttonClassName } from "@/components/ui/button";
import { can } from "@/features/auth/permissions";
import { requirePermission } from "@/features/auth/session";
import { DiscardDraft } from "@/features/wizard/components/discard-draft";
import { SourceLiveBadges } from "@/features/sources/components/source-overview";
import { findSource, loadSourceSummary } from "@/features/sources/data";
import { describeLogTypes, PLAN_INFO, resumeStepOf, SETUP_STEP_LABELS, sourceIdSchema } from "@/features/sources/schema";
import { setupStepPath } from "@/features/wizard/schema";

type Props = { children: ReactNode; params: Promise<{ id: string }> };

// The source's header and tabs. Each page below checks its own permission too: a layout is not
// re-rendered on client navigation between its pages.
export default async function SourceLayout({ children, params }: Props) {
  const user = await requirePermission("console:read");
  const id = sourceIdSchema.safeParse((await params).id);
  const source = id.success ? await findSource(id.data) : null;
  if (!source) notFound();
  const summary = await loadSourceSummary(source.id);
  const canManage = can(user, "sources:manage");
  const resumeStep = resumeStepOf(source);
  const needsRegrantForRotation = source.grantedClientId !== null && source.clientId !== source.grantedClientId;
  const base = `/sources/${source.id}`;

  const actions = canManage ? (
    resumeStep ? (
      <>
        <DiscardDraft source={{ id: source.id, name: source.name, isGranted: source.grantedAt !== null }} />
        <Link href={`/sources/${source.id}/setup/${resumeStep}`} className={buttonClassName()}>
          Resume setup ({SETUP_STEP_LABELS[resumeStep]})
        </Link>
      </>
    ) : (
      <>
        <Link href={setupStepPath(source.id, "credentials", "rotate")} className={buttonClassName("secondary")}>
          Rotate credentials
        </Link>
        <Link href={setupStepPath(source.id, "verify", "regrant")} className={buttonClassName(needsRegrantForRotation ? "primary" : "secondary")}>
          Re-grant access
        </Link>
      </>
    )
  ) : null;

  return (
    <>
      <nav aria-label="Breadcrumb" className="mb-2 text-sm text-slate-500">
        <Link href="/sources" className="hover:text-slate-800 hover:underline">
          Sources
        </Link>
        <span aria-hidden> / </span>
      </nav>
      <PageHeader
        title={source.name}
        description={
          <span className="flex flex-wrap items-center gap-x-3 gap-y-2">
            <span>
              {PLAN_INFO[source.plan].label} · {describeLogTypes(source.logTypes)}
            </span>
            {summary ? <SourceLiveBadges initialData={summary} /> : null}
          </span>
        }
        actions={actions}
      />
      <TabNav
        label="Source sections"
        items={[
          { href: base as Route, label: "Overview" },
          { href: `${base}/pulls` as Route, label: "Pull history" },
          { href: `${base}/failures` as Route, label: "Classification failures" },
          { href: `${base}/alarm` as Route, label: "Alarm" },
          { href: `${base}/audit` as Route, label: "Audit trail" },
          { href: `${base}/settings` as Route, label: "Settings" },
        ]}
      />
      {children}
    </>
  );
}
