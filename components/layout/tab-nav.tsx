"use client";

import type { Route } from "next";
import Link from "next/link";
import { usePathname } from "next/navigation";
import { isWithinPath } from "@/components/layout/nav-path";
import { cn } from "@/components/ui/cn";

export type TabItem = { href: Route; label: string };

/** Section tabs under a page header; the first tab is active only on its exact path. */
export function TabNav({ label, items }: { label: string; items: TabItem[] }) {
  const pathname = usePathname();
  return (
    <nav aria-label={label} className="mb-6 border-b border-slate-200">
      <ul className="-mb-px flex gap-6">
        {items.map(({ href, label: text }, index) => {
          const isActive = index === 0 ? pathname === href : isWithinPath(pathname, href);
          return (
            <li key={href}>
              <Link
                href={href}
                aria-current={isActive ? "page" : undefined}
                className={cn(
                  "inline-block border-b-2 px-1 pb-3 text-sm font-medium transition-colors",
                  isActive ? "border-brand-600 text-brand-700" : "border-transparent text-slate-500 hover:border-slate-300 hover:text-slate-700",
                )}
              >
                {text}
              </Link>
            </li>
          );
        })}
      </ul>
    </nav>
  );
}
