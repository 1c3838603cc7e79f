import type { ReactNode } from "react";

function initials(name: string): string {
  const letters = name
    .split(/\s+/)
    .filter(Boolean)
    .slice(0, 2)
    .map((part) => part[0]!.toUpperCase());
  return letters.join("") || "?";
}

export function Header({ user, actions }: { user: { name: string; email: string; roleLabel: string }; actions?: ReactNode }) {
  return (
    <header className="flex h-16 shrink-0 items-center justify-end gap-4 border-b border-slate-200 bg-white px-6">
      <div role="group" className="flex min-w-0 items-center gap-3" aria-label="Signed-in user">
        <div aria-hidden className="flex size-8 shrink-0 items-center justify-center rounded-full bg-brand-100 text-xs font-semibold text-brand-800">
          {initials(user.name || user.email)}
        </div>
        <div className="min-w-0 text-right leading-tight">
          <p className="truncate text-sm font-medium text-slate-900">{user.name || user.email}</p>
          <p className="truncate text-xs text-slate-500">
            {user.email} · {user.roleLabel}
          </p>
        </div>
      </div>
      {actions}
    </header>
  );
}
