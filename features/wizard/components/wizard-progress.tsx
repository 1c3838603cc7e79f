import { Check } from "lucide-react";
import { cn } from "@/components/ui/cn";
import { SETUP_STEP_LABELS, SETUP_STEPS, type SetupStep } from "@/features/sources/schema";

/** Where the person is in the wizard: the steps in order, the current one marked for screen readers too. */
export function WizardProgress({ current }: { current: SetupStep }) {
  const currentIndex = SETUP_STEPS.indexOf(current);
  return (
    <nav aria-label="Setup progress" className="mb-6">
      <ol className="flex flex-wrap gap-2">
        {SETUP_STEPS.map((step, index) => {
          const state = index < currentIndex ? "done" : index === currentIndex ? "current" : "upcoming";
          return (
            <li
              key={step}
              aria-current={state === "current" ? "step" : undefined}
              className={cn(
                "flex items-center gap-2 rounded-full border px-3 py-1 text-sm",
                state === "current" && "border-brand-500 bg-brand-50 font-medium text-brand-800",
                state === "done" && "border-emerald-200 bg-emerald-50 text-emerald-800",
                state === "upcoming" && "border-slate-200 text-slate-500",
              )}
            >
              <span aria-hidden className="flex size-5 items-center justify-center rounded-full bg-white text-xs ring-1 ring-inset ring-current">
                {state === "done" ? <Check className="size-3" /> : index + 1}
              </span>
              {SETUP_STEP_LABELS[step]}
              <span className="sr-only">{state === "done" ? " (done)" : state === "current" ? " (current step)" : ""}</span>
            </li>
          );
        })}
      </ol>
    </nav>
  );
}
