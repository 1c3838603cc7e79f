import Link from "next/link";
import { Badge } from "@/components/ui/badge";
import { buttonClassName } from "@/components/ui/button";
import { SOURCE_FIX_LABELS, type SourceFix } from "@/features/pulls/slack-errors";
import type { SourceHealth } from "@/features/sources/health";
import { setupStepPath } from "@/features/wizard/schema";

/** Where each fix is done in the console; "upgrade_plan" happens in Slack, so it has no page here. */
export function fixHref(sourceId: string, fix: SourceFix): string | null {
  if (fix === "regrant" || fix === "reinstall_on_org") return setupStepPath(sourceId, "verify", "regrant");
  if (fix === "rotate_credentials") return setupStepPath(sourceId, "credentials", "rotate");
  return null;
}

export function SourceHealthBadge({ health }: { health: SourceHealth }) {
  const failing = health.checks.filter((check) => !check.healthy);
  return (
    <span title={failing.length ? `Failing: ${failing.map((check) => check.label).join(", ")}` : "Every check is healthy"}>
      <Badge tone={health.healthy ? "success" : "danger"}>{health.healthy ? "Healthy" : `Unhealthy (${failing.length})`}</Badge>
    </span>
  );
}

/** The checks one under the other: what is wrong, Slack's words, and the button that fixes it (admins). */
export function SourceHealthChecks({ sourceId, health, canManage }: { sourceId: string; health: SourceHealth; canManage: boolean }) {
  return (
    <ul className="divide-y divide-slate-100" aria-label="Health checks">
      {health.checks.map((check) => {
        const href = canManage && !check.healthy ? fixHref(sourceId, check.fix) : null;
        return (
          <li key={check.id} className="grid grid-cols-3 gap-4 py-2.5" data-check={check.id} data-healthy={check.healthy}>
            <div className="text-sm text-slate-500">{check.label}</div>
            <div className="col-span-2 space-y-1.5 text-sm text-slate-900">
              <div className="flex items-start gap-2">
                <Badge tone={check.healthy ? "success" : "danger"}>{check.healthy ? "Healthy" : "Failing"}</Badge>
                <span>{check.message}</span>
              </div>
              {check.rawError ? (
                <details className="text-xs text-slate-600">
                  <summary className="cursor-pointer select-none">What was said</summary>
                  <pre className="mt-1 whitespace-pre-wrap break-all rounded bg-slate-50 p-2 font-mono">{check.rawError}</pre>
                </details>
              ) : null}
              {href && check.fix ? (
                <Link href={href} className={buttonClassName("primary")}>
                  {SOURCE_FIX_LABELS[check.fix]}
                </Link>
              ) : null}
            </div>
          </li>
        );
      })}
    </ul>
  );
}
