import { Badge } from "@/components/ui/badge";

type HealthSummary = { healthy: boolean; failing: readonly { label: string; message: string }[] };

/**
 * Healthy, or Unhealthy with the failing checks in a popover that opens on hover and on keyboard
 * focus (a title attribute would reach neither keyboard nor touch users).
 */
export function HealthBadge({ health, id }: { health: HealthSummary | null; id: string }) {
  if (!health) return <Badge tone="neutral">Not active yet</Badge>;
  if (health.healthy) return <Badge tone="success">Healthy</Badge>;
  const popoverId = `health-${id}`;
  return (
    <span className="group relative inline-block">
      <span tabIndex={0} aria-describedby={popoverId} className="cursor-help rounded-full focus-visible:outline-2">
        <Badge tone="danger">Unhealthy ({health.failing.length})</Badge>
      </span>
      <span
        id={popoverId}
        role="tooltip"
        className="invisible absolute top-full left-0 z-20 mt-1.5 w-80 rounded-lg border border-slate-200 bg-white p-3 text-left text-xs font-normal whitespace-normal text-slate-700 opacity-0 shadow-lg transition-opacity group-focus-within:visible group-focus-within:opacity-100 group-hover:visible group-hover:opacity-100"
      >
        <span className="mb-1 block font-semibold text-slate-900">Failing checks</span>
        {health.failing.map((check) => (
          <span key={check.label} className="mt-1.5 block">
            <span className="font-medium text-slate-900">{check.label}:</span> {check.message}
          </span>
        ))}
      </span>
    </span>
  );
}
