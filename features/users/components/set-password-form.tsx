"use client";

import Link from "next/link";
import { useState, useTransition, type FormEvent } from "react";
import { Button, buttonClassName } from "@/components/ui/button";
import { Alert, Field, fieldAria, TextInput } from "@/components/ui/field";
import { setPasswordAction } from "@/features/users/actions";
import { setPasswordSchema } from "@/features/users/schema";
import { invalidInput, type ActionError } from "@/lib/action";
import { PASSWORD_MIN_LENGTH } from "@/lib/password-policy";

export function SetPasswordForm({ token, email }: { token: string; email: string }) {
  const [error, setError] = useState<ActionError | null>(null);
  const [isDone, setIsDone] = useState(false);
  const [isPending, startTransition] = useTransition();

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const parsed = setPasswordSchema.safeParse({ token, password: form.get("password"), confirmPassword: form.get("confirmPassword") });
    if (!parsed.success) {
      setError(invalidInput(parsed.error));
      return;
    }
    startTransition(async () => {
      const result = await setPasswordAction(parsed.data);
      if (!result.ok) return setError(result.error);
      setError(null);
      setIsDone(true);
    });
  }

  if (isDone) {
    return (
      <div className="space-y-4">
        <Alert tone="success">Your password is set. Sign in with {email} and your new password.</Alert>
        <Link href="/signin" className={buttonClassName("primary", "w-full")}>
          Go to sign-in
        </Link>
      </div>
    );
  }

  return (
    <form aria-label="Choose a password" onSubmit={onSubmit} noValidate className="space-y-5">
      {error && !error.fieldErrors?.password && !error.fieldErrors?.confirmPassword ? <Alert tone="error">{error.message}</Alert> : null}
      {/* Lets password managers file the new password under the right account. */}
      <input type="email" name="username" autoComplete="username" value={email} readOnly hidden />
      <Field id="password" label="New password" hint={`At least ${PASSWORD_MIN_LENGTH} characters. A passphrase is easiest.`} error={error?.fieldErrors?.password}>
        <TextInput id="password" name="password" type="password" autoComplete="new-password" {...fieldAria("password", error?.fieldErrors?.password, true)} />
      </Field>
      <Field id="confirmPassword" label="Repeat the password" error={error?.fieldErrors?.confirmPassword}>
        <TextInput id="confirmPassword" name="confirmPassword" type="password" autoComplete="new-password" {...fieldAria("confirmPassword", error?.fieldErrors?.confirmPassword)} />
      </Field>
      <Button type="submit" disabled={isPending} className="w-full">
        {isPending ? "Saving…" : "Set password"}
      </Button>
    </form>
  );
}
