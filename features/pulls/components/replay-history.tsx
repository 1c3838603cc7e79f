import { Badge, type Tone } from "@/components/ui/badge";
import { RelativeTime } from "@/components/ui/relative-time";
import { TableHead } from "@/components/ui/table";
import type { ReplaySummary } from "@/features/pulls/data";
import { isLogType, LOG_TYPE_INFO } from "@/features/sources/schema";
import type { ReplayStatus } from "@/lib/generated/prisma/enums";

// A source's latest replays on its Settings tab: who asked for which window, and how it went.

const STATUS: Record<ReplayStatus, { label: string; tone: Tone }> = {
  QUEUED: { label: "Queued", tone: "neutral" },
  RUNNING: { label: "Running", tone: "info" },
  SUCCEEDED: { label: "Done", tone: "success" },
  FAILED: { label: "Failed", tone: "danger" },
};

/** "2026-03-01 14:30 UTC": a window's ends as they were typed. */
const utcMinute = (date: Date) => `${date.toISOString().slice(0, 16).replace("T", " ")} UTC`;

export function ReplayHistory({ replays }: { replays: readonly ReplaySummary[] }) {
  if (replays.length === 0) return <p className="px-5 py-4 text-sm text-slate-500">No replays yet.</p>;
  return (
    <table className="w-full text-left text-sm">
      <caption className="sr-only">Replays of this source, newest first</caption>
      <TableHead columns={["Requested", "By", "Log type", "Window", "Status", "Finished"]} isDense />
      <tbody className="divide-y divide-slate-100">
        {replays.map((replay) => (
          <tr key={replay.id} className="align-top">
            <td className="px-5 py-2.5 whitespace-nowrap text-slate-600">
              <RelativeTime value={replay.requestedAt.toISOString()} />
            </td>
            <td className="py-2.5 pr-4 break-all text-slate-700">{replay.requestedBy}</td>
            <td className="py-2.5 pr-4 whitespace-nowrap text-slate-700">{isLogType(replay.logType) ? LOG_TYPE_INFO[replay.logType].label : replay.logType}</td>
            <td className="py-2.5 pr-4 text-xs text-slate-700">
              <span className="whitespace-nowrap">{utcMinute(replay.windowFrom)}</span> → <span className="whitespace-nowrap">{utcMinute(replay.windowTo)}</span>
            </td>
            <td className="py-2.5 pr-4">
              <Badge tone={STATUS[replay.status].tone}>{STATUS[replay.status].label}</Badge>
              {replay.error ? <div className="mt-1 text-xs text-red-700">{replay.error}</div> : null}
            </td>
            <td className="py-2.5 pr-5 whitespace-nowrap text-slate-600">{replay.finishedAt ? <RelativeTime value={replay.finishedAt.toISOString()} /> : "—"}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
