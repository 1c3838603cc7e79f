"use client";

import { useQueryClient } from "@tanstack/react-query";
import { UserPlus } from "lucide-react";
import { useState, useTransition, type FormEvent } from "react";
import { Badge, type Tone } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { CopyButton } from "@/components/ui/copy-button";
import { Alert, Field, fieldAria, Select, TextInput } from "@/components/ui/field";
import { RelativeTime } from "@/components/ui/relative-time";
import { ROLE_LABELS } from "@/features/auth/schema";
import { changeUserRoleAction, disableUserAction, enableUserAction, inviteUserAction, resetUserPasswordAction } from "@/features/users/actions";
import { usersQueryKeys, useUsers } from "@/features/users/client";
import { inviteUserSchema, roleSchema, USER_STATUSES, type UserListItem, type UserStatus } from "@/features/users/schema";
import { invalidInput, type ActionError, type ActionResult } from "@/lib/action";

const STATUS_TONES: Record<UserStatus, Tone> = { ACTIVE: "success", INVITED: "info", RESET_PENDING: "warning", NO_PASSWORD: "warning", DISABLED: "neutral" };

type OneTimeLink = { purpose: "invite" | "reset"; email: string; link: string; expiresAt: string };
type Feedback = { tone: "error" | "success"; message: string } | null;
type RunAction = <T>(successMessage: string, action: () => Promise<ActionResult<T>>, onSuccess?: (data: T) => void) => void;

function formatExpiry(value: string) {
  return new Date(value).toISOString().replace("T", " ").replace(/:\d\d\.\d+Z$/, " UTC");
}

function LinkPanel({ link, onDone }: { link: OneTimeLink; onDone: () => void }) {
  return (
    <Card className="border-brand-200">
      <CardHeader
        title={link.purpose === "invite" ? `Invitation link for ${link.email}` : `Password reset link for ${link.email}`}
        description="Send it to them over a channel you trust. It works once, expires at the time below, and is not shown again."
      />
      <CardBody className="space-y-3">
        <div className="flex flex-wrap items-center gap-3">
          <code aria-label="One-time link" className="min-w-0 flex-1 rounded-md bg-slate-100 px-3 py-2 font-mono text-xs break-all text-slate-800">
            {link.link}
          </code>
          <CopyButton value={link.link} label="Copy link" />
        </div>
        <p className="text-xs text-slate-500">Expires {formatExpiry(link.expiresAt)}.</p>
        <Button variant="ghost" onClick={onDone}>
          Done
        </Button>
      </CardBody>
    </Card>
  );
}

function InviteForm({ onInvited, onCancel }: { onInvited: (link: OneTimeLink) => void; onCancel: () => void }) {
  const [error, setError] = useState<ActionError | null>(null);
  const [isPending, startTransition] = useTransition();

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    // Same schema as the server, so most mistakes are explained without a round trip.
    const parsed = inviteUserSchema.safeParse({ email: form.get("email"), name: form.get("name"), role: form.get("role") });
    if (!parsed.success) {
      setError(invalidInput(parsed.error));
      return;
    }
    startTransition(async () => {
      const result = await inviteUserAction(parsed.data);
      if (!result.ok) return setError(result.error);
      setError(null);
      onInvited({ purpose: "invite", email: parsed.data.email, link: result.data.link, expiresAt: result.data.expiresAt });
    });
  }

  return (
    <Card>
      <CardHeader title="Invite a user" description="They choose their own password through a one-time link; you never see it." />
      <CardBody>
        <form aria-label="Invite a user" onSubmit={onSubmit} noValidate className="grid gap-4 sm:grid-cols-3">
          {error && !error.fieldErrors ? (
            <div className="sm:col-span-3">
              <Alert tone="error">{error.message}</Alert>
            </div>
          ) : null}
          <Field id="invite-name" label="Name" error={error?.fieldErrors?.name}>
            <TextInput id="invite-name" name="name" autoComplete="off" maxLength={100} {...fieldAria("invite-name", error?.fieldErrors?.name)} />
          </Field>
          <Field id="invite-email" label="Email" error={error?.fieldErrors?.email}>
            <TextInput id="invite-email" name="email" type="email" autoComplete="off" {...fieldAria("invite-email", error?.fieldErrors?.email)} />
          </Field>
          <Field id="invite-role" label="Role" hint="Analysts can only read." error={error?.fieldErrors?.role}>
            <Select id="invite-role" name="role" defaultValue="ANALYST" {...fieldAria("invite-role", error?.fieldErrors?.role, true)}>
              <option value="ANALYST">{ROLE_LABELS.ANALYST}: dashboards and events, read-only</option>
              <option value="ADMIN">{ROLE_LABELS.ADMIN}: sources, users and everything else</option>
            </Select>
          </Field>
          <div className="flex gap-3 sm:col-span-3">
            <Button type="submit" disabled={isPending}>
              {isPending ? "Creating…" : "Create invitation"}
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

function UserRow({ user, isSelf, run, onResetLink }: { user: UserListItem; isSelf: boolean; run: RunAction; onResetLink: (link: OneTimeLink) => void }) {
  const isDisabled = user.status === "DISABLED";
  return (
    <tr className="align-middle">
      <td className="py-3 pr-4">
        <div className="font-medium text-slate-900">
          {user.name}
          {isSelf ? <span className="ml-2 text-xs font-normal text-slate-500">(you)</span> : null}
        </div>
        <div className="text-xs text-slate-500">{user.email}</div>
      </td>
      <td className="py-3 pr-4">
        <select
          aria-label={`Role of ${user.email}`}
          value={user.role}
          disabled={isDisabled}
          onChange={(event) => {
            const role = roleSchema.parse(event.currentTarget.value);
            run(`${user.email} is now ${ROLE_LABELS[role]}.`, () => changeUserRoleAction({ userId: user.id, role }));
          }}
          className="rounded-md border border-slate-300 bg-white px-2 py-1 text-sm disabled:bg-slate-50 disabled:text-slate-400"
        >
          <option value="ADMIN">{ROLE_LABELS.ADMIN}</option>
          <option value="ANALYST">{ROLE_LABELS.ANALYST}</option>
        </select>
      </td>
      <td className="py-3 pr-4">
        <Badge tone={STATUS_TONES[user.status]}>{USER_STATUSES[user.status]}</Badge>
      </td>
      <td className="py-3 pr-4 text-slate-600">{user.lastSignInAt ? <RelativeTime value={user.lastSignInAt} /> : "Never"}</td>
      <td className="py-3 text-right whitespace-nowrap">
        {isDisabled ? (
          <Button variant="ghost" aria-label={`Enable ${user.email}`} onClick={() => run(`${user.email} can sign in again.`, () => enableUserAction({ userId: user.id }))}>
            Enable
          </Button>
        ) : isSelf ? null : (
          <>
            <Button
              variant="ghost"
              aria-label={`Reset password of ${user.email}`}
              onClick={() => {
                if (!window.confirm(`Reset the password of ${user.email}? Their current password and sessions stop working until they set a new one.`)) return;
                run(
                  `Reset link created for ${user.email}.`,
                  () => resetUserPasswordAction({ userId: user.id }),
                  (data) => onResetLink({ purpose: "reset", email: user.email, ...data }),
                );
              }}
            >
              Reset password
            </Button>
            <Button
              variant="ghost"
              aria-label={`Disable ${user.email}`}
              onClick={() => {
                if (!window.confirm(`Disable ${user.email}? They are signed out at once and cannot sign in until re-enabled.`)) return;
                run(`${user.email} is disabled.`, () => disableUserAction({ userId: user.id }));
              }}
            >
              Disable
            </Button>
          </>
        )}
      </td>
    </tr>
  );
}

export function UserManagement({ currentUserId }: { currentUserId: string }) {
  const { data: users, error, isPending } = useUsers();
  const queryClient = useQueryClient();
  const [isInviting, setIsInviting] = useState(false);
  const [link, setLink] = useState<OneTimeLink | null>(null);
  const [feedback, setFeedback] = useState<Feedback>(null);
  const [isRunning, startTransition] = useTransition();

  const run: RunAction = (successMessage, action, onSuccess) => {
    startTransition(async () => {
      const result = await action();
      // Refetch either way: a refusal often means the list was stale (someone else changed it).
      await queryClient.invalidateQueries({ queryKey: usersQueryKeys.all });
      if (!result.ok) return setFeedback({ tone: "error", message: result.error.message });
      setFeedback({ tone: "success", message: successMessage });
      onSuccess?.(result.data);
    });
  };

  return (
    <div className="space-y-6" aria-busy={isRunning}>
      {feedback ? <Alert tone={feedback.tone}>{feedback.message}</Alert> : null}
      {link ? <LinkPanel link={link} onDone={() => setLink(null)} /> : null}
      {isInviting ? (
        <InviteForm
          onCancel={() => setIsInviting(false)}
          onInvited={(created) => {
            setIsInviting(false);
            setFeedback(null);
            setLink(created);
            void queryClient.invalidateQueries({ queryKey: usersQueryKeys.all });
          }}
        />
      ) : null}
      <Card>
        <CardHeader
          title="Users"
          description="Admins manage sources and users; analysts read dashboards and events. Disabled users keep their history."
          actions={
            isInviting ? null : (
              <Button onClick={() => setIsInviting(true)}>
                <UserPlus aria-hidden className="size-4" />
                Invite user
              </Button>
            )
          }
        />
        <CardBody>
          {isPending ? <p className="text-sm text-slate-500">Loading users…</p> : null}
          {error ? <Alert tone="error">Could not load the users. Reload the page to try again.</Alert> : null}
          {users ? (
            <table className="w-full text-left text-sm">
              <thead className="text-xs tracking-wide text-slate-500 uppercase">
                <tr>
                  <th scope="col" className="pb-2 font-medium">
                    User
                  </th>
                  <th scope="col" className="pb-2 font-medium">
                    Role
                  </th>
                  <th scope="col" className="pb-2 font-medium">
                    Status
                  </th>
                  <th scope="col" className="pb-2 font-medium">
                    Last sign-in
                  </th>
                  <th scope="col" className="pb-2">
                    <span className="sr-only">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody className="divide-y divide-slate-100">
                {users.map((user) => (
                  <UserRow key={user.id} user={user} isSelf={user.id === currentUserId} run={run} onResetLink={setLink} />
                ))}
              </tbody>
            </table>
          ) : null}
        </CardBody>
      </Card>
    </div>
  );
}
