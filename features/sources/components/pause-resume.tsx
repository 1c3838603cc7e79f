"use client";

import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import { Button } from "@/components/ui/button";
import { Alert } from "@/components/ui/field";
import { pauseSourceAction, resumeSourceAction } from "@/features/sources/actions";
import type { ActionError } from "@/lib/action";

/** Pause keeps the source's place in every log; Resume pulls the time missed. */
export function PauseResume({ sourceId, isPaused }: { sourceId: string; isPaused: boolean }) {
  const router = useRouter();
  const [error, setError] = useState<ActionError | null>(null);
  const [isPending, startTransition] = useTransition();

  function onClick() {
    startTransition(async () => {
      const result = isPaused ? await resumeSourceAction({ sourceId }) : await pauseSourceAction({ sourceId });
      if (!result.ok) return setError(result.error);
      setError(null);
      router.refresh();
    });
  }

  return (
    <>
      <Button variant="secondary" onClick={onClick} disabled={isPending}>
        {isPaused ? (isPending ? "Resuming…" : "Resume pulling") : isPending ? "Pausing…" : "Pause pulling"}
      </Button>
      {error ? <Alert tone="error">{error.message}</Alert> : null}
    </>
  );
}
