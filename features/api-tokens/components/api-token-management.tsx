"use client";

import { useQueryClient } from "@tanstack/react-query";
import { KeyRound } from "lucide-react";
import { useState, useTransition, type FormEvent } from "react";
import { Badge, type Tone } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { CopyButton } from "@/components/ui/copy-button";
import { Alert, Field, fieldAria, Select, TextInput } from "@/components/ui/field";
import { RelativeTime } from "@/components/ui/relative-time";
import { Table, TableHead } from "@/components/ui/table";
import { createApiTokenAction, revokeApiTokenAction } from "@/features/api-tokens/actions";
import { apiTokensQueryKeys, useApiTokens } from "@/features/api-tokens/client";
import {
  API_TOKEN_LIFETIMES,
  API_TOKEN_NAME_MAX,
  API_TOKEN_SCOPE_LABELS,
  API_TOKEN_STATUS_LABELS,
  createApiTokenSchema,
  type ApiTokenListItem,
  type ApiTokenStatus,
} from "@/features/api-tokens/schema";
import { invalidInput, type ActionError } from "@/lib/action";

type CreatedToken = { name: string; token: string };
type Feedback = { tone: "error" | "success"; message: string } | null;

const NEVER = "never";

/** Shown once, right after creation: the page keeps it in memory only, and a reload loses it for good. */
function CreatedTokenPanel({ created, apiUrl, onDone }: { created: CreatedToken; apiUrl: string; onDone: () => void }) {
  return (
    <Card className="border-brand-200">
      <CardHeader title={`API token “${created.name}”`} description="Copy it now and store it in your secret manager: Tributary keeps only a hash and cannot show it again." />
      <CardBody className="space-y-3">
        <div className="flex flex-wrap items-center gap-3">
          <code aria-label="New API token" className="min-w-0 flex-1 rounded-md bg-slate-100 px-3 py-2 font-mono text-xs break-all text-slate-800">
            {created.token}
          </code>
          <CopyButton value={created.token} label="Copy token" />
        </div>
        <p className="text-xs text-slate-500">
          Use it as <code className="font-mono">Authorization: Bearer …</code> on <code className="font-mono">{apiUrl}</code>; the operations are described in{" "}
          <a className="text-brand-700 underline" href="/api/v1/openapi.json">
            openapi.json
          </a>
          .
        </p>
        <Button variant="ghost" onClick={onDone}>
          Done
        </Button>
      </CardBody>
    </Card>
  );
}

function CreateTokenForm({ onCreated, onCancel }: { onCreated: (created: CreatedToken) => void; onCancel: () => void }) {
  const [error, setError] = useState<ActionError | null>(null);
  const [isPending, startTransition] = useTransition();

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const lifetime = form.get("expiresInDays");
    // Same schema as the server, so most mistakes are explained without a round trip.
    const parsed = createApiTokenSchema.safeParse({ name: form.get("name"), scope: form.get("scope"), expiresInDays: lifetime === NEVER ? null : Number(lifetime) });
    if (!parsed.success) return setError(invalidInput(parsed.error));
    startTransition(async () => {
      const result = await createApiTokenAction(parsed.data);
      if (!result.ok) return setError(result.error);
      setError(null);
      onCreated({ name: parsed.data.name, token: result.data.token });
    });
  }

  return (
    <Card>
      <CardHeader title="Create an API token" description="For scripts and automation. It acts for you, with at most your role, and stops working if your account is disabled." />
      <CardBody>
        <form aria-label="Create an API token" onSubmit={onSubmit} noValidate className="grid gap-4 sm:grid-cols-3">
          {error && !error.fieldErrors ? (
            <div className="sm:col-span-3">
              <Alert tone="error">{error.message}</Alert>
            </div>
          ) : null}
          <Field id="token-name" label="Name" hint="What uses it, e.g. terraform-prod." error={error?.fieldErrors?.name}>
            <TextInput id="token-name" name="name" autoComplete="off" maxLength={API_TOKEN_NAME_MAX} {...fieldAria("token-name", error?.fieldErrors?.name, true)} />
          </Field>
          <Field id="token-scope" label="Access" error={error?.fieldErrors?.scope}>
            <Select id="token-scope" name="scope" defaultValue="READ" {...fieldAria("token-scope", error?.fieldErrors?.scope)}>
              <option value="READ">{API_TOKEN_SCOPE_LABELS.READ}</option>
              <option value="WRITE">{API_TOKEN_SCOPE_LABELS.WRITE}</option>
            </Select>
          </Field>
          <Field id="token-expiry" label="Expires after" error={error?.fieldErrors?.expiresInDays}>
            <Select id="token-expiry" name="expiresInDays" defaultValue="90" {...fieldAria("token-expiry", error?.fieldErrors?.expiresInDays)}>
              {API_TOKEN_LIFETIMES.map(({ days, label }) => (
                <option key={label} value={days ?? NEVER}>
                  {label}
                </option>
              ))}
            </Select>
          </Field>
          <div className="flex gap-3 sm:col-span-3">
            <Button type="submit" disabled={isPending}>
              {isPending ? "Creating…" : "Create token"}
            </Button>
            <Button variant="ghost" onClick={onCancel}>
              Cancel
            </Button>
          </div>
        </form>
      </CardBody>
    </Card>
  );
}

const STATUS_TONES: Record<ApiTokenStatus, Tone> = { ACTIVE: "success", REVOKED: "neutral", EXPIRED: "neutral", CREATOR_DISABLED: "warning" };

function TokenRow({ token, onRevoke }: { token: ApiTokenListItem; onRevoke: (token: ApiTokenListItem) => void }) {
  return (
    <tr className="align-middle">
      <td className="px-5 py-2.5">
        <div className="font-medium text-slate-900">{token.name}</div>
        <div className="font-mono text-xs text-slate-500">{token.prefix}…</div>
      </td>
      <td className="py-2.5 pr-4">{token.scope === "WRITE" ? "Read and write" : "Read"}</td>
      <td className="py-2.5 pr-4">
        <Badge tone={STATUS_TONES[token.status]}>{API_TOKEN_STATUS_LABELS[token.status]}</Badge>
      </td>
      <td className="py-2.5 pr-4 text-slate-600">
        {token.createdBy}
        <div className="text-xs text-slate-500">
          <RelativeTime value={token.createdAt} />
        </div>
      </td>
      <td className="py-2.5 pr-4 text-slate-600">{token.lastUsedAt ? <RelativeTime value={token.lastUsedAt} /> : "Never"}</td>
      <td className="py-2.5 pr-4 text-slate-600">{token.expiresAt ? <RelativeTime value={token.expiresAt} /> : "Never"}</td>
      <td className="py-2.5 pr-5 whitespace-nowrap">
        {token.revokedAt ? null : (
          <Button variant="ghost" aria-label={`Revoke ${token.name}`} onClick={() => onRevoke(token)}>
            Revoke
          </Button>
        )}
      </td>
    </tr>
  );
}

export function ApiTokenManagement({ apiUrl }: { apiUrl: string }) {
  const { data: tokens, error, isPending } = useApiTokens();
  const queryClient = useQueryClient();
  const [isCreating, setIsCreating] = useState(false);
  const [created, setCreated] = useState<CreatedToken | null>(null);
  const [feedback, setFeedback] = useState<Feedback>(null);
  const [isRunning, startTransition] = useTransition();

  function revoke(token: ApiTokenListItem) {
    if (!window.confirm(`Revoke ${token.name}? Every request with it is refused from now on. This cannot be undone.`)) return;
    startTransition(async () => {
      const result = await revokeApiTokenAction({ tokenId: token.id });
      // Refetch either way: a refusal usually means the list was stale (another admin revoked it).
      await queryClient.invalidateQueries({ queryKey: apiTokensQueryKeys.all });
      setFeedback(result.ok ? { tone: "success", message: `${token.name} is revoked.` } : { tone: "error", message: result.error.message });
    });
  }

  return (
    <div className="space-y-6" aria-busy={isRunning}>
      {feedback ? <Alert tone={feedback.tone}>{feedback.message}</Alert> : null}
      {created ? <CreatedTokenPanel created={created} apiUrl={apiUrl} onDone={() => setCreated(null)} /> : null}
      {isCreating ? (
        <CreateTokenForm
          onCancel={() => setIsCreating(false)}
          onCreated={(token) => {
            setIsCreating(false);
            setFeedback(null);
            setCreated(token);
            void queryClient.invalidateQueries({ queryKey: apiTokensQueryKeys.all });
          }}
        />
      ) : null}
      <Card>
        <CardHeader
          title="API tokens"
          description="Bearer tokens for the REST API. Only a hash is stored; a revoked token is refused at once."
          actions={
            isCreating ? null : (
              <Button onClick={() => setIsCreating(true)}>
                <KeyRound aria-hidden className="size-4" />
                Create token
              </Button>
            )
          }
        />
        <CardBody>
          {isPending ? <p className="text-sm text-slate-500">Loading tokens…</p> : null}
          {error ? <Alert tone="error">Could not load the API tokens. Reload the page to try again.</Alert> : null}
          {tokens && tokens.length === 0 ? <p className="text-sm text-slate-500">No API tokens yet.</p> : null}
          {tokens && tokens.length > 0 ? (
            <Table>
              <TableHead columns={["Token", "Access", "Status", "Created by", "Last used", "Expires", "Actions"]} isDense />
              <tbody className="divide-y divide-slate-100">
                {tokens.map((token) => (
                  <TokenRow key={token.id} token={token} onRevoke={revoke} />
                ))}
              </tbody>
            </Table>
          ) : null}
        </CardBody>
      </Card>
    </div>
  );
}
