"use client";

import { useRouter } from "next/navigation";
import { useRef, useState, useTransition, type FormEvent } from "react";
import { Button } from "@/components/ui/button";
import { Alert, Field, fieldAria, Select, TextInput } from "@/components/ui/field";
import { useFocusFirstError } from "@/components/ui/use-focus-first-error";
import { BACKFILL_CHOICES, BACKFILL_DEFAULT_MINUTES, LOG_TYPE_INFO, PLAN_INFO, SLACK_PLANS, SOURCE_NAME_MAX, sourceConfigSchema, type LogType, type SlackPlan } from "@/features/sources/schema";
import { createSourceAction, updateSourceConfigAction } from "@/features/wizard/actions";
import { SLACK_PLAN_HELP } from "@/features/wizard/instructions";
import { invalidInput, type ActionError } from "@/lib/action";

type GridChoice = "audit" | "team";
const TEAM_LOG_TYPES: LogType[] = ["Slack.AccessLogs", "Slack.IntegrationLogs"];

export type SourceConfigInitial = { sourceId: string; name: string; plan: SlackPlan; logTypes: LogType[]; backfillMinutes: number };

/** Step 1: name the source and pick the Slack plan, which decides the log types. */
export function SourceConfigForm({ initial }: { initial?: SourceConfigInitial }) {
  const router = useRouter();
  const formRef = useRef<HTMLFormElement>(null);
  const [plan, setPlan] = useState<SlackPlan | null>(initial?.plan ?? null);
  const [gridChoice, setGridChoice] = useState<GridChoice>(initial && !initial.logTypes.includes("Slack.AuditLogs") ? "team" : "audit");
  const [teamLogTypes, setTeamLogTypes] = useState<LogType[]>(initial?.logTypes.filter((type) => TEAM_LOG_TYPES.includes(type)) ?? TEAM_LOG_TYPES);
  const [error, setError] = useState<ActionError | null>(null);
  const [isPending, startTransition] = useTransition();
  useFocusFirstError(formRef, error);

  const logTypes: LogType[] = plan === "ENTERPRISE_GRID" && gridChoice === "audit" ? ["Slack.AuditLogs"] : plan === "FREE" ? [] : teamLogTypes;
  const showsTeamLogTypes = plan === "PAID" || (plan === "ENTERPRISE_GRID" && gridChoice === "team");

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const input = { name: form.get("name"), plan: plan ?? undefined, logTypes, backfillMinutes: form.get("backfillMinutes") };
    const parsed = sourceConfigSchema.safeParse(input);
    if (!parsed.success) return setError(invalidInput(parsed.error));
    startTransition(async () => {
      const result = initial ? await updateSourceConfigAction({ ...parsed.data, sourceId: initial.sourceId }) : await createSourceAction(parsed.data);
      if (!result.ok) return setError(result.error);
      router.push(result.data.next);
    });
  }

  function toggleTeamLogType(type: LogType, isChecked: boolean) {
    setTeamLogTypes((current) => (isChecked ? [...new Set([...current, type])] : current.filter((existing) => existing !== type)));
  }

  const nameError = error?.fieldErrors?.name;
  const planError = error?.fieldErrors?.plan;
  const logTypesError = error?.fieldErrors?.logTypes;
  const backfillError = error?.fieldErrors?.backfillMinutes;
  // A value set through the command line that the menu does not list is kept, not silently changed.
  const backfillChoices = initial && !BACKFILL_CHOICES.some((choice) => choice.minutes === initial.backfillMinutes) ? [...BACKFILL_CHOICES, { minutes: initial.backfillMinutes, label: `${initial.backfillMinutes} minutes` }] : BACKFILL_CHOICES;
  return (
    <form ref={formRef} aria-label="Configure the source" onSubmit={onSubmit} noValidate className="space-y-6">
      {error && !error.fieldErrors ? <Alert tone="error">{error.message}</Alert> : null}
      <Field id="source-name" label="Name" hint={`How this source appears in Tributary, e.g. "My Slack logs". Up to ${SOURCE_NAME_MAX} characters.`} error={nameError}>
        <TextInput id="source-name" name="name" defaultValue={initial?.name} autoComplete="off" required {...fieldAria("source-name", nameError, true)} />
      </Field>

      <fieldset aria-describedby={planError ? "plan-error" : "plan-hint"} aria-invalid={planError ? true : undefined}>
        <legend className="text-sm font-medium text-slate-700">Slack plan</legend>
        <p id="plan-hint" className="mt-1 text-xs text-slate-500">
          {SLACK_PLAN_HELP}
        </p>
        <div className="mt-3 grid gap-3 md:grid-cols-3">
          {SLACK_PLANS.map((value) => (
            <label key={value} className="flex cursor-pointer gap-3 rounded-lg border border-slate-200 p-3 has-[:checked]:border-brand-500 has-[:checked]:bg-brand-50/40 has-[:focus-visible]:ring-2 has-[:focus-visible]:ring-brand-200">
              <input type="radio" name="plan" value={value} checked={plan === value} onChange={() => setPlan(value)} className="mt-1" data-invalid={planError ? true : undefined} />
              <span>
                <span className="block text-sm font-medium text-slate-900">
                  {PLAN_INFO[value].label}
                  {value === "FREE" ? <span className="ml-2 text-xs font-normal text-slate-500">(not supported)</span> : null}
                </span>
                <span className="mt-0.5 block text-xs text-slate-500">{PLAN_INFO[value].description}</span>
              </span>
            </label>
          ))}
        </div>
        {planError ? (
          <p id="plan-error" className="mt-2 text-xs text-red-700">
            {planError}
          </p>
        ) : null}
        {plan === "FREE" && !planError ? (
          <div className="mt-3">
            <Alert tone="error">{PLAN_INFO.FREE.description} Upgrade the workspace to Pro or Business+ to pull access and integration logs.</Alert>
          </div>
        ) : null}
      </fieldset>

      {plan === "ENTERPRISE_GRID" ? (
        <fieldset>
          <legend className="text-sm font-medium text-slate-700">Logs to pull</legend>
          <p className="mt-1 text-xs text-slate-500">One source is one installation of your Slack app. Audit logs need it on the organization; access and integration logs on one workspace. For both, create two sources.</p>
          <div className="mt-3 grid gap-3 md:grid-cols-2">
            {(
              [
                ["audit", "Audit logs", "Slack.AuditLogs, for the whole organization. The app is installed on the organization by its owner."],
                ["team", "Access and integration logs", "Slack.AccessLogs and Slack.IntegrationLogs of one workspace of the grid. The app is installed on that workspace."],
              ] as const
            ).map(([value, label, description]) => (
              <label key={value} className="flex cursor-pointer gap-3 rounded-lg border border-slate-200 p-3 has-[:checked]:border-brand-500 has-[:checked]:bg-brand-50/40">
                <input type="radio" name="gridChoice" value={value} checked={gridChoice === value} onChange={() => setGridChoice(value)} className="mt-1" />
                <span>
                  <span className="block text-sm font-medium text-slate-900">{label}</span>
                  <span className="mt-0.5 block text-xs text-slate-500">{description}</span>
                </span>
              </label>
            ))}
          </div>
        </fieldset>
      ) : null}

      {showsTeamLogTypes ? (
        <fieldset aria-describedby={logTypesError ? "log-types-error" : undefined}>
          <legend className="text-sm font-medium text-slate-700">Log types</legend>
          <div className="mt-3 space-y-2">
            {TEAM_LOG_TYPES.map((type) => (
              <label key={type} className="flex gap-3 text-sm">
                <input
                  type="checkbox"
                  name="logTypes"
                  value={type}
                  checked={teamLogTypes.includes(type)}
                  onChange={(event) => toggleTeamLogType(type, event.target.checked)}
                  aria-invalid={logTypesError ? true : undefined}
                  className="mt-0.5"
                />
                <span>
                  <span className="font-medium text-slate-900">{LOG_TYPE_INFO[type].label}</span> <span className="font-mono text-xs text-slate-500">{type}</span>
                  <span className="block text-xs text-slate-500">{LOG_TYPE_INFO[type].description}</span>
                </span>
              </label>
            ))}
          </div>
          {logTypesError ? (
            <p id="log-types-error" className="mt-2 text-xs text-red-700">
              {logTypesError}
            </p>
          ) : null}
        </fieldset>
      ) : null}

      {plan && plan !== "FREE" ? (
        <Field id="backfill" label="First pull reaches back" hint="How much history the first pull of each log type fetches. Later pulls continue from where the last one ended." error={backfillError}>
          <Select id="backfill" name="backfillMinutes" defaultValue={String(initial?.backfillMinutes ?? BACKFILL_DEFAULT_MINUTES)} className="max-w-xs" {...fieldAria("backfill", backfillError, true)}>
            {backfillChoices.map((choice) => (
              <option key={choice.minutes} value={choice.minutes}>
                {choice.label}
              </option>
            ))}
          </Select>
        </Field>
      ) : null}

      <div className="flex gap-3">
        <Button type="submit" disabled={isPending || plan === "FREE"}>
          {isPending ? "Saving…" : "Continue Setup"}
        </Button>
      </div>
    </form>
  );
}
