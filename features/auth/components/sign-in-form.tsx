"use client";

import { AlertCircle } from "lucide-react";
import { signIn } from "next-auth/react";
import { useState, type FormEvent } from "react";
import { Button } from "@/components/ui/button";
import { safeCallbackPath, SIGN_IN_ERROR_MESSAGE, signInErrorMessage, signInSchema } from "@/features/auth/schema";

export function SignInForm({ callbackUrl }: { callbackUrl?: string }) {
  const [error, setError] = useState<string | null>(null);
  const [isPending, setIsPending] = useState(false);

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const parsed = signInSchema.safeParse({ email: form.get("email"), password: form.get("password") });
    if (!parsed.success) {
      setError(parsed.error.issues[0]?.message ?? SIGN_IN_ERROR_MESSAGE);
      return;
    }
    setIsPending(true);
    setError(null);
    try {
      const result = await signIn("credentials", { ...parsed.data, redirect: false });
      if (!result?.ok) {
        setError(signInErrorMessage(result?.error));
        return;
      }
      // A full navigation, so the server renders the console with the new session cookie.
      window.location.assign(safeCallbackPath(callbackUrl, window.location.origin));
    } catch {
      setError("Tributary could not be reached. Check your connection and try again.");
    } finally {
      setIsPending(false);
    }
  }

  return (
    <form aria-label="Sign in" onSubmit={onSubmit} noValidate className="space-y-5">
      {error ? (
        <div role="alert" className="flex gap-2 rounded-md border border-red-200 bg-red-50 px-3 py-2.5 text-sm text-red-800">
          <AlertCircle aria-hidden className="mt-0.5 size-4 shrink-0" />
          {error}
        </div>
      ) : null}
      <div>
        <label htmlFor="email" className="block text-sm font-medium text-slate-700">
          Email
        </label>
        <input
          id="email"
          name="email"
          type="email"
          autoComplete="username"
          required
          className="mt-1.5 block w-full rounded-md border border-slate-300 px-3 py-2 text-sm shadow-sm focus:border-brand-500 focus:ring-2 focus:ring-brand-200 focus:outline-none"
        />
      </div>
      <div>
        <label htmlFor="password" className="block text-sm font-medium text-slate-700">
          Password
        </label>
        <input
          id="password"
          name="password"
          type="password"
          autoComplete="current-password"
          required
          className="mt-1.5 block w-full rounded-md border border-slate-300 px-3 py-2 text-sm shadow-sm focus:border-brand-500 focus:ring-2 focus:ring-brand-200 focus:outline-none"
        />
      </div>
      <Button type="submit" disabled={isPending} className="w-full">
        {isPending ? "Signing in…" : "Sign in"}
      </Button>
    </form>
  );
}
