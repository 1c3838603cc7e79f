"use client";

import type { Route } from "next";
import type { ReactNode } from "react";
import Link from "next/link";
import { usePathname } from "next/navigation";
import { isWithinPath } from "@/components/layout/nav-path";
import { cn } from "@/components/ui/cn";
import { LogoMark } from "@/components/ui/logo-mark";

/** `icon` is an element, not a component: a server layout cannot hand functions to this client component. */
export type NavItem = { href: Route; label: string; icon: ReactNode };

export function Sidebar({ productName, items, footer }: { productName: string; items: NavItem[]; footer?: ReactNode }) {
  const pathname = usePathname();
  return (
    <aside className="flex w-60 shrink-0 flex-col bg-slate-900 text-slate-300">
      <div className="flex h-16 items-center gap-2.5 px-5">
        <LogoMark className="size-7" />
        <span className="text-base font-semibold tracking-tight text-white">{productName}</span>
      </div>
      <nav aria-label="Main" className="flex-1 px-3 py-2">
        <ul className="space-y-1">
          {items.map(({ href, label, icon }) => {
            const isActive = isWithinPath(pathname, href);
            return (
              <li key={href}>
                <Link
                  href={href}
                  aria-current={isActive ? "page" : undefined}
                  className={cn(
                    "flex items-center gap-3 rounded-md px-3 py-2 text-sm font-medium transition-colors",
                    isActive ? "bg-slate-800 text-white" : "hover:bg-slate-800/60 hover:text-white",
                  )}
                >
                  <span aria-hidden className={cn("flex size-4 items-center", isActive ? "text-brand-400" : "text-slate-400")}>
                    {icon}
                  </span>
                  {label}
                </Link>
              </li>
            );
          })}
        </ul>
      </nav>
      {footer ? <div className="flex flex-col items-start gap-2 border-t border-slate-800 px-5 py-4 text-xs text-slate-500">{footer}</div> : null}
    </aside>
  );
}
