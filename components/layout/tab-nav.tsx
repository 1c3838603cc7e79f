"use client";

import type { Route } from "next";
import Link from "next/link";
import { usePathname } from "next/navigation";
import { isWithinPath } from "@/components/layout/nav-path";
import { cn } from "@/components/ui/cn";

/**
 * A tab is a console page (a Link, prefetched), or with `isDocument` a document the App Router does
 * not serve (Bull Board, from a route handler): a plain link, since prefetching its HTML as a page's
 * payload fails and is tried again and again.
 */
export type TabItem = { href: Route; label: string; isDocument?: false } | { href: string; label: string; isDocument: true };

/** Section tabs under a page header; the first tab is active only on its exact path. */
export function TabNav({ label, items }: { label: string; items: TabItem[] }) {
  const pathname = usePathname();
  return (
    <nav aria-label={label} className="mb-6 border-b border-slate-200">
      <ul className="-mb-px flex gap-6">
        {items.map((item, index) => {
          const isActive = index === 0 ? pathname === item.href : isWithinPath(pathname, item.href);
          const className = cn(
            "inline-block border-b-2 px-1 pb-3 text-sm font-medium transition-colors",
            isActive ? "border-brand-600 text-brand-700" : "border-transparent text-slate-500 hover:border-slate-300 hover:text-slate-700",
          );
          return (
            <li key={item.href}>
              {item.isDocument ? (
                <a href={item.href} aria-current={isActive ? "page" : undefined} className={className}>
                  {item.label}
                </a>
              ) : (
                <Link href={item.href} aria-current={isActive ? "page" : undefined} className={className}>
                  {item.label}
                </Link>
              )}
            </li>
          );
        })}
      </ul>
    </nav>
  );
}
