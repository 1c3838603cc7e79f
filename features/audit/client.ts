"use client";

import { useInfiniteQuery } from "@tanstack/react-query";
import { auditPageSchema } from "@/features/audit/schema";

export type AuditFilters = { action?: string; actor?: string; target?: string; from?: string; to?: string };

export const auditQueryKeys = {
  all: ["audit"] as const,
  list: (filters: AuditFilters) => [...auditQueryKeys.all, "list", filters] as const,
};

async function fetchAuditPage(filters: AuditFilters, cursor: string | null) {
  const parameters = new URLSearchParams(Object.entries(filters).filter((entry): entry is [string, string] => Boolean(entry[1])));
  if (cursor) parameters.set("cursor", cursor);
  const response = await fetch(`/api/audit?${parameters}`, { headers: { accept: "application/json" } });
  if (!response.ok) {
    const body = (await response.json().catch(() => null)) as { error?: { message?: string } } | null;
    throw new Error(body?.error?.message ?? `audit request failed (${response.status})`);
  }
  return auditPageSchema.parse(await response.json());
}

export function useAuditTrail(filters: AuditFilters) {
  return useInfiniteQuery({
    queryKey: auditQueryKeys.list(filters),
    queryFn: ({ pageParam }) => fetchAuditPage(filters, pageParam),
    initialPageParam: null as string | null,
    getNextPageParam: (page) => page.nextCursor,
  });
}
