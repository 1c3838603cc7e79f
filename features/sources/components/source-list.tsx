import Link from "next/link";
import { RelativeTime } from "@/components/ui/relative-time";
import { TableHead } from "@/components/ui/table";
import type { SourceSummary } from "@/features/sources/data";
import { describeLogTypes, PLAN_INFO, resumeStepOf, SETUP_STEP_LABELS } from "@/features/sources/schema";
import { SourceStatusBadge } from "@/features/sources/components/source-status-badge";

/** The sources table; a half-finished source links back to the step where its setup stopped. */
export function SourceList({ sources, canManage }: { sources: SourceSummary[]; canManage: boolean }) {
  return (
    <table className="w-full text-left text-sm">
      <caption className="sr-only">Sources</caption>
      <TableHead columns={["Name", "Plan", "Log types", "Slack", "Status", "Created"]} />
      <tbody className="divide-y divide-slate-100">
        {sources.map((source) => {
          const resumeStep = resumeStepOf(source);
          return (
            <tr key={source.id}>
              <td className="px-5 py-3">
                <Link href={`/sources/${source.id}`} className="font-medium text-slate-900 hover:underline">
                  {source.name}
                </Link>
                {resumeStep && canManage ? (
                  <Link href={`/sources/${source.id}/setup/${resumeStep}`} className="ml-3 text-xs font-medium text-brand-700 hover:underline" aria-label={`Resume setup of ${source.name} at ${SETUP_STEP_LABELS[resumeStep]}`}>
                    Resume setup ({SETUP_STEP_LABELS[resumeStep]})
                  </Link>
                ) : null}
              </td>
              <td className="px-5 py-3 text-slate-600">{PLAN_INFO[source.plan].label}</td>
              <td className="px-5 py-3 text-slate-600">{describeLogTypes(source.logTypes)}</td>
              <td className="px-5 py-3 text-slate-600">{!source.grantedAt ? "—" : source.isEnterpriseInstall ? source.slackEnterpriseName : source.slackTeamName}</td>
              <td className="px-5 py-3">
                <SourceStatusBadge status={source.status} />
              </td>
              <td className="px-5 py-3 text-slate-500">
                <RelativeTime value={source.createdAt.toISOString()} />
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
