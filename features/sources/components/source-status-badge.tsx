import { Badge, type Tone } from "@/components/ui/badge";

const STATUS: Record<string, { label: string; tone: Tone }> = {
  DRAFT: { label: "Setup not finished", tone: "warning" },
  AWAITING_GRANT: { label: "Awaiting access", tone: "warning" },
  ACTIVE: { label: "Active", tone: "success" },
  PAUSED: { label: "Paused", tone: "neutral" },
  ERROR: { label: "Error", tone: "danger" },
};

export function SourceStatusBadge({ status }: { status: string }) {
  const known = STATUS[status] ?? { label: status, tone: "neutral" as const };
  return <Badge tone={known.tone}>{known.label}</Badge>;
}
