"use client";

import type { Route } from "next";
import type { ReactNode } from "react";
import Link from "next/link";
import { usePathname } from "next/navigation";
import { isWithinPath } from "@/components/layout/nav-path";
import { ThemeToggle } from "@/components/layout/theme-toggle";
import { cn } from "@/components/ui/cn";
import { LogoMark } from "@/components/ui/logo-mark";

/** `icon` is an element, not a component: a server layout cannot hand functions to this client component. */
export type NavItem = { href: Route; label: string; icon: ReactNode };

// Dark in both themes, so it keeps the light theme's palette (data-theme="light", see app/globals.css)
// and its slate-900 stays navy. Sticky at the viewport's height: the footer with the theme toggle
// stays in view on a long page, and only the navigation scrolls if the window is very short.
export function Sidebar({ productName, items, footer }: { productName: string; items: NavItem[]; footer?: ReactNode }) {
  const pathname = usePathname();
  return (
    <aside data-theme="light" className="sticky top-0 flex h-screen w-56 shrink-0 flex-col bg-slate-900 text-slate-300 xl:w-60">
      <div className="flex h-16 items-center gap-2.5 px-5">
        <LogoMark className="size-7" />
        <span className="text-base font-semibold tracking-tight text-white">{productName}</span>
      </div>
      <nav aria-label="Main" className="min-h-0 flex-1 overflow-y-auto px-3 py-2 scheme-dark">
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
      {/* slate-400, not 500: small text on slate-900 needs it for 4.5:1. */}
      <div className="flex flex-col items-start gap-2 border-t border-slate-800 px-5 py-4 text-xs text-slate-400">
        <ThemeToggle />
        {footer}
      </div>
    </aside>
  );
}
