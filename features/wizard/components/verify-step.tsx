"use client";

import Link from "next/link";
import { useEffect, useRef, useState, useTransition } from "react";
import { Button, buttonClassName } from "@/components/ui/button";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { Alert } from "@/components/ui/field";
import { RelativeTime } from "@/components/ui/relative-time";
import { startGrantAction } from "@/features/wizard/actions";
import { GRANT_FAILURES, setupStepPath, type GrantFailure, type WizardMode } from "@/features/wizard/schema";
import type { ActionError } from "@/lib/action";

export type VerifyStepProps = {
  source: { id: string; name: string; userScopes: string[]; installTarget: "organization" | "workspace"; installedOn: string | null };
  mode: WizardMode;
  redirectUrl: string;
  failure: { reason: GrantFailure; missingScopes: string[]; slackError: string | null } | null;
  unansweredSince: string | null;
};

// Failures fixed on the credentials step rather than by simply trying again.
const CREDENTIAL_FAILURES: ReadonlySet<GrantFailure> = new Set(["wrong_client_id", "wrong_secret"]);

/** Step 3: Grant Access sends the person to Slack; a failed or unanswered attempt is explained here. */
export function VerifyStep({ source, mode, redirectUrl, failure, unansweredSince }: VerifyStepProps) {
  const [error, setError] = useState<ActionError | null>(null);
  const [isPending, startTransition] = useTransition();
  const failureRef = useRef<HTMLDivElement>(null);
  // The failure is on the page when it loads, where role="alert" alone is often not announced:
  // focus takes a screen reader (and the keyboard) straight to it.
  useEffect(() => failureRef.current?.focus(), []);

  function onGrant() {
    startTransition(async () => {
      const result = await startGrantAction({ sourceId: source.id, mode });
      if (!result.ok) return setError(result.error);
      window.location.assign(result.data.url);
    });
  }

  const described = failure ? GRANT_FAILURES[failure.reason] : null;
  return (
    <Card>
      <CardHeader title={mode === "regrant" ? "Re-grant access" : "Verify setup"} description="Install the app in Slack and allow Tributary to read the logs." />
      <CardBody className="space-y-5">
        {failure && described ? (
          <div ref={failureRef} tabIndex={-1} role="alert" className="rounded-md border border-red-200 bg-red-50 px-4 py-3 text-sm text-red-900 focus:outline-none focus-visible:ring-2 focus-visible:ring-red-300">
            <p className="font-semibold">{described.title}</p>
            <p className="mt-1">{described.explanation}</p>
            {failure.reason === "missing_scope" && failure.missingScopes.length > 0 ? (
              <p className="mt-1">
                Missing: {failure.missingScopes.map((scope) => <code key={scope} className="mx-0.5 rounded bg-red-100 px-1">{scope}</code>)}
              </p>
            ) : null}
            {failure.slackError ? <p className="mt-1">Slack&apos;s answer: <code className="rounded bg-red-100 px-1">{failure.slackError}</code></p> : null}
            <p className="mt-2">
              <span className="font-medium">What to do: </span>
              {described.fix}
            </p>
            {failure.reason === "redirect_mismatch" ? <p className="mt-1 font-mono text-xs break-all">{redirectUrl}</p> : null}
            {CREDENTIAL_FAILURES.has(failure.reason) ? (
              <Link href={setupStepPath(source.id, "credentials", mode === "setup" ? "setup" : "rotate")} className={buttonClassName("secondary", "mt-3")}>
                Update credentials
              </Link>
            ) : null}
          </div>
        ) : unansweredSince ? (
          <div role="status" className="rounded-md border border-amber-200 bg-amber-50 px-4 py-3 text-sm text-amber-900">
            <p className="font-semibold">Slack did not send you back</p>
            <p className="mt-1">You clicked Grant Access <RelativeTime value={unansweredSince} /> but no answer from Slack arrived. If Slack showed an error page:</p>
            <ul className="mt-1 list-disc space-y-1 pl-5">
              <li>
                <q>redirect_uri did not match any configured URIs</q>: in the app&apos;s OAuth &amp; Permissions page, add exactly <code className="break-all">{redirectUrl}</code> under Redirect URLs and click Save URLs.
              </li>
              <li>
                <q>Invalid client_id parameter</q>: the saved Client ID is not your app&apos;s.{" "}
                <Link className="underline" href={setupStepPath(source.id, "credentials", mode === "setup" ? "setup" : "rotate")}>
                  Update the credentials
                </Link>
                .
              </li>
              <li>
                <q>Invalid permissions requested</q>: add <code>{source.userScopes.join(", ")}</code> under User Token Scopes.
              </li>
              {source.installTarget === "organization" ? <li>An app that cannot be installed on the organization: activate public distribution (Settings → Manage Distribution), and install as the organization&apos;s owner.</li> : null}
            </ul>
            <p className="mt-1">Then click Grant Access again.</p>
          </div>
        ) : null}

        <div className="space-y-2 text-sm text-slate-700">
          <p>
            Grant Access opens Slack&apos;s installation page for your app, asking for the user scope{source.userScopes.length > 1 ? "s" : ""}{" "}
            {source.userScopes.map((scope) => (
              <code key={scope} className="mx-0.5 rounded bg-slate-100 px-1">
                {scope}
              </code>
            ))}
            .
          </p>
          {source.installTarget === "organization" ? (
            <p className="rounded-md bg-brand-50 px-3 py-2 text-brand-900">
              On Slack&apos;s page, install to the <strong>Enterprise organization</strong>, not to a single workspace, signed in as the organization&apos;s owner. Audit logs are only available to an organization-wide install.
            </p>
          ) : (
            <p className="rounded-md bg-brand-50 px-3 py-2 text-brand-900">On Slack&apos;s page, install to the one workspace whose logs this source pulls, signed in as an admin or owner of it.</p>
          )}
          {source.installedOn ? <p>Currently granted for {source.installedOn}; choose the same one.</p> : null}
        </div>
        {error ? <Alert tone="error">{error.message}</Alert> : null}
        <Button onClick={onGrant} disabled={isPending}>
          {isPending ? "Opening Slack…" : "Grant Access"}
        </Button>
      </CardBody>
    </Card>
  );
}
