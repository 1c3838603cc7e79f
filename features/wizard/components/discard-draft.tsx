"use client";

import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import { Button } from "@/components/ui/button";
import { Alert } from "@/components/ui/field";
import { discardDraftAction } from "@/features/wizard/actions";
import type { ActionError } from "@/lib/action";

/** Asks once, in place, before an unfinished source and its credentials are deleted. */
export function DiscardDraft({ source }: { source: { id: string; name: string; isGranted: boolean } }) {
  const router = useRouter();
  const [isConfirming, setIsConfirming] = useState(false);
  const [error, setError] = useState<ActionError | null>(null);
  const [isPending, startTransition] = useTransition();

  function onDiscard() {
    startTransition(async () => {
      const result = await discardDraftAction({ sourceId: source.id });
      if (!result.ok) return setError(result.error);
      router.push(result.data.next);
    });
  }

  if (!isConfirming) {
    return (
      <Button variant="secondary" onClick={() => setIsConfirming(true)}>
        Discard draft
      </Button>
    );
  }
  return (
    <div role="group" aria-label={`Discard ${source.name}`} className="flex flex-wrap items-center gap-3 rounded-md border border-red-200 bg-red-50 px-3 py-2 text-sm text-red-900">
      <span>
        Discard “{source.name}”? Its saved credentials are deleted{source.isGranted ? " and the access granted in Slack is revoked" : ""}.
      </span>
      <Button variant="danger" onClick={onDiscard} disabled={isPending} autoFocus>
        {isPending ? "Discarding…" : "Discard"}
      </Button>
      <Button variant="ghost" onClick={() => setIsConfirming(false)}>
        Keep it
      </Button>
      {error ? <Alert tone="error">{error.message}</Alert> : null}
    </div>
  );
}
