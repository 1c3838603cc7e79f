"use client";

import { useRouter } from "next/navigation";
import { useMemo, useRef, useState, useTransition, type FormEvent } from "react";
import { Button } from "@/components/ui/button";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { CopyButton } from "@/components/ui/copy-button";
import { Alert, Field, fieldAria, TextInput } from "@/components/ui/field";
import { useFocusFirstError } from "@/components/ui/use-focus-first-error";
import { credentialsInputSchema, type LogType } from "@/features/sources/schema";
import { saveCredentialsAction, saveSourceAction } from "@/features/wizard/actions";
import { slackAppSetupSteps } from "@/features/wizard/instructions";
import { buildSlackAppManifest, defaultSlackAppName, manifestAsJson, manifestAsYaml } from "@/features/wizard/manifest";
import type { WizardMode } from "@/features/wizard/schema";
import { invalidInput, type ActionError } from "@/lib/action";

type ManifestFormat = "json" | "yaml";

export type CredentialsStepSource = { id: string; name: string; logTypes: LogType[]; clientId: string | null; hasClientSecret: boolean };

/** Step 2: the Redirect URL, how to create the Slack app (or paste a manifest), then the app's credentials. */
export function CredentialsStep({ source, redirectUrl, mode }: { source: CredentialsStepSource; redirectUrl: string; mode: WizardMode }) {
  const steps = useMemo(() => slackAppSetupSteps(source.logTypes, { redirectUrl }), [source.logTypes, redirectUrl]);
  return (
    <div className="space-y-6">
      <Card>
        <CardHeader title="1. Copy the Redirect URL" description="Slack sends people back here after they allow access. Keep this page open while you create the app." />
        <CardBody className="space-y-3">
          <Field id="redirect-url" label="Redirect URL">
            <TextInput id="redirect-url" readOnly value={redirectUrl} className="font-mono" onFocus={(event) => event.currentTarget.select()} />
          </Field>
          <CopyButton value={redirectUrl} label="Copy Redirect URL" />
        </CardBody>
      </Card>

      <Card>
        <CardHeader title="2. Create the Slack app" description="Use a new app that only Tributary uses, so rotating or removing it affects nothing else." />
        <CardBody className="space-y-5">
          <ol className="list-decimal space-y-2 pl-5 text-sm text-slate-700">
            {steps.map((step) => (
              <li key={step.title}>
                <span className="font-medium text-slate-900">{step.title}</span>
                {step.detail ? <span className="mt-0.5 block text-slate-500">{step.detail}</span> : null}
              </li>
            ))}
          </ol>
          <ManifestBox logTypes={source.logTypes} redirectUrl={redirectUrl} />
        </CardBody>
      </Card>

      <CredentialsForm source={source} mode={mode} />
    </div>
  );
}

function ManifestBox({ logTypes, redirectUrl }: { logTypes: LogType[]; redirectUrl: string }) {
  const [format, setFormat] = useState<ManifestFormat>("yaml");
  const manifest = useMemo(() => buildSlackAppManifest({ appName: defaultSlackAppName(logTypes), redirectUrl, logTypes }), [logTypes, redirectUrl]);
  const text = format === "json" ? manifestAsJson(manifest) : manifestAsYaml(manifest);
  return (
    <section aria-labelledby="manifest-heading" className="rounded-lg border border-slate-200">
      <div className="flex flex-wrap items-center justify-between gap-3 border-b border-slate-100 px-4 py-3">
        <div>
          <h3 id="manifest-heading" className="text-sm font-medium text-slate-900">
            App manifest
          </h3>
          <p className="text-xs text-slate-500">In Slack: Create New App → From an app manifest → paste this. The Redirect URL and scopes are already filled in.</p>
        </div>
        <div role="group" aria-label="Manifest format" className="inline-flex rounded-md border border-slate-300 p-0.5">
          {(["yaml", "json"] as const).map((value) => (
            <button
              key={value}
              type="button"
              aria-pressed={format === value}
              onClick={() => setFormat(value)}
              className="rounded px-3 py-1 text-xs font-medium text-slate-600 aria-pressed:bg-slate-900 aria-pressed:text-white"
            >
              {value.toUpperCase()}
            </button>
          ))}
        </div>
      </div>
      <pre aria-label={`Slack app manifest (${format.toUpperCase()})`} tabIndex={0} className="max-h-72 overflow-auto bg-slate-50 px-4 py-3 font-mono text-xs text-slate-800">
        {text}
      </pre>
      <div className="border-t border-slate-100 px-4 py-3">
        <CopyButton value={text} label={`Copy manifest (${format.toUpperCase()})`} />
      </div>
    </section>
  );
}

function CredentialsForm({ source, mode }: { source: CredentialsStepSource; mode: WizardMode }) {
  const router = useRouter();
  const formRef = useRef<HTMLFormElement>(null);
  const [error, setError] = useState<ActionError | null>(null);
  // Save Source is offered only for credentials exactly as saved: resuming setup with nothing
  // typed, or right after Continue Setup. Rotating starts from nothing saved, and any edit takes the
  // offer back, so a new secret cannot be skipped by clicking Save Source instead of Continue Setup.
  const [saved, setSaved] = useState<{ isVerified: boolean | null } | null>(mode === "setup" && source.clientId && source.hasClientSecret ? { isVerified: null } : null);
  const [hasSecret, setHasSecret] = useState(source.hasClientSecret);
  const [isPending, startTransition] = useTransition();
  useFocusFirstError(formRef, error);

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const parsed = credentialsInputSchema.safeParse({ sourceId: source.id, clientId: form.get("clientId"), clientSecret: form.get("clientSecret") });
    if (!parsed.success) return setError(invalidInput(parsed.error));
    if (!parsed.data.clientSecret && !hasSecret) return setError({ code: "invalid_input", message: "Enter the Client Secret.", fieldErrors: { clientSecret: "Enter the Client Secret" } });
    startTransition(async () => {
      const result = await saveCredentialsAction(parsed.data);
      if (!result.ok) return setError(result.error);
      setError(null);
      setHasSecret(true);
      setSaved({ isVerified: result.data.isVerified });
      // The secret leaves the page as soon as it is stored: the field only ever sends, never shows.
      const secretInput = formRef.current?.querySelector<HTMLInputElement>("#client-secret");
      if (secretInput) secretInput.value = "";
    });
  }

  function onSaveSource() {
    startTransition(async () => {
      const result = await saveSourceAction({ sourceId: source.id, mode });
      if (!result.ok) return setError(result.error);
      router.push(result.data.next);
    });
  }

  const clientIdError = error?.fieldErrors?.clientId;
  const secretError = error?.fieldErrors?.clientSecret;
  return (
    <Card>
      <CardHeader title="3. Enter the app's credentials" description="From Settings → Basic Information → App Credentials in Slack. They are stored encrypted and never shown again." />
      <CardBody>
        <form ref={formRef} aria-label="App credentials" onSubmit={onSubmit} onChange={() => setSaved(null)} noValidate className="space-y-4">
          {error && !error.fieldErrors ? <Alert tone="error">{error.message}</Alert> : null}
          <Field id="client-id" label="Client ID" hint="Two numbers joined by a dot, like 1234567890123.1234567890123." error={clientIdError}>
            <TextInput id="client-id" name="clientId" defaultValue={source.clientId ?? ""} autoComplete="off" spellCheck={false} inputMode="decimal" className="font-mono" {...fieldAria("client-id", clientIdError, true)} />
          </Field>
          <Field
            id="client-secret"
            label="Client Secret"
            hint={hasSecret ? "Saved ••••. Leave empty to keep it, or paste a new one to replace it." : "The Client Secret, not the Signing Secret or the Verification Token."}
            error={secretError}
          >
            <TextInput id="client-secret" name="clientSecret" type="password" autoComplete="off" spellCheck={false} className="font-mono" placeholder={hasSecret ? "saved ••••" : ""} {...fieldAria("client-secret", secretError, true)} />
          </Field>
          {saved && !error ? (
            <Alert tone="success">
              {saved.isVerified === false
                ? "Credentials saved. Slack could not confirm them now; Grant Access will check them."
                : saved.isVerified
                  ? "Credentials saved and accepted by Slack."
                  : "Credentials saved."}
            </Alert>
          ) : null}
          <div className="flex flex-wrap gap-3">
            <Button type="submit" variant={saved ? "secondary" : "primary"} disabled={isPending}>
              {isPending ? "Working…" : "Continue Setup"}
            </Button>
            {saved ? (
              <Button onClick={onSaveSource} disabled={isPending}>
                Save Source
              </Button>
            ) : null}
          </div>
        </form>
      </CardBody>
    </Card>
  );
}
