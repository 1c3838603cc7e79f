import type { Metadata } from "next";
import Link from "next/link";
import { LogoMark } from "@/components/ui/logo-mark";
import { findPasswordToken } from "@/features/users/data";
import { SetPasswordForm } from "@/features/users/components/set-password-form";
import { passwordTokenSchema } from "@/features/users/schema";
import { hashToken } from "@/lib/tokens";

// Not referrer "no-referrer" despite the token in the address: browsers then send "Origin: null" on
// the form's server action, which Next refuses. The site-wide strict-origin-when-cross-origin never
// sends a path to another site, and this page links nowhere else.
export const metadata: Metadata = { title: "Choose a password" };

const PROBLEMS = {
  invalid: "This link is not valid. It may have been replaced by a newer one. Ask an admin for a new link.",
  expired: "This link has expired. Ask an admin to send you a new one.",
  used: "This link has already been used.",
} as const;

// Public: the single-use token in the address is the only credential. Nothing is consumed here;
// the form's server action claims the token.
export default async function SetPasswordPage({ params }: { params: Promise<{ token: string }> }) {
  const { token } = await params;
  const isWellFormed = passwordTokenSchema.safeParse(token).success;
  const state = isWellFormed ? await findPasswordToken(hashToken(token)) : ({ state: "invalid" } as const);
  return (
    <main data-theme="light" className="flex min-h-screen items-center justify-center bg-slate-900 px-4">
      <div className="w-full max-w-sm">
        <div className="mb-8 flex flex-col items-center text-center">
          <LogoMark className="size-11" />
          <h1 className="mt-4 text-2xl font-semibold tracking-tight text-white">
            {state.state === "valid" && state.purpose === "INVITE" ? "Welcome to Tributary" : "Choose a new password"}
          </h1>
          {state.state === "valid" ? (
            <p className="mt-1 text-sm text-slate-400">
              For {state.name} ({state.email})
            </p>
          ) : null}
        </div>
        <div className="rounded-xl bg-white p-6 shadow-xl">
          {state.state === "valid" ? (
            <SetPasswordForm token={token} email={state.email} />
          ) : (
            <div className="space-y-4 text-sm text-slate-700">
              <p role="alert">{PROBLEMS[state.state]}</p>
              <Link href="/signin" className="font-medium text-brand-700 hover:underline">
                Go to sign-in
              </Link>
            </div>
          )}
        </div>
      </div>
    </main>
  );
}
