import type { LucideIcon } from "lucide-react";
import type { ReactNode } from "react";

export function EmptyState({ icon: Icon, title, children, actions }: { icon: LucideIcon; title: string; children: ReactNode; actions?: ReactNode }) {
  return (
    <div className="flex flex-col items-center px-6 py-14 text-center">
      <div className="flex size-12 items-center justify-center rounded-full bg-brand-50 text-brand-600 ring-8 ring-brand-50/50">
        <Icon aria-hidden className="size-6" />
      </div>
      <h2 className="mt-5 text-base font-semibold text-slate-900">{title}</h2>
      <div className="mt-2 max-w-lg text-sm leading-6 text-slate-500">{children}</div>
      {actions ? <div className="mt-6 flex gap-3">{actions}</div> : null}
    </div>
  );
}
