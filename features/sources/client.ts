"use client";

import { keepPreviousData, useInfiniteQuery, useQuery } from "@tanstack/react-query";
import { auditPageSchema } from "@/features/audit/schema";
import {
  failurePageSchema,
  pullHistoryPageSchema,
  sourceListPageSchema,
  sourceSummarySchema,
  throughputSchema,
  type PullHistoryPage,
  type SourceListPage,
  type SourceSummaryView,
  type ThroughputRange,
} from "@/features/sources/schema";

// Operators keep these pages open to watch data flow: they refresh every few seconds, and keep
// showing the previous answer while the next one loads, so nothing flickers or jumps.
export const LIVE_REFRESH_MS = 5_000;

export type SourceListFilters = { q?: string; status?: string; health?: string; alarm?: string; logType?: string; sort?: string; dir?: string; page?: number };
export type PullHistoryFilters = { logType?: string; outcome?: string; page?: number };

export const sourceQueryKeys = {
  all: ["sources"] as const,
  list: (filters: SourceListFilters) => [...sourceQueryKeys.all, "list", filters] as const,
  summary: (sourceId: string) => [...sourceQueryKeys.all, sourceId, "summary"] as const,
  throughput: (sourceId: string, range: ThroughputRange) => [...sourceQueryKeys.all, sourceId, "throughput", range] as const,
  pulls: (sourceId: string, filters: PullHistoryFilters) => [...sourceQueryKeys.all, sourceId, "pulls", filters] as const,
  failures: (sourceId: string) => [...sourceQueryKeys.all, sourceId, "failures"] as const,
  audit: (sourceId: string) => [...sourceQueryKeys.all, sourceId, "audit"] as const,
};

function toSearch(filters: Record<string, string | number | undefined>): string {
  const parameters = new URLSearchParams();
  for (const [key, value] of Object.entries(filters)) if (value !== undefined && value !== "") parameters.set(key, String(value));
  return parameters.toString();
}

async function getJson(url: string): Promise<unknown> {
  const response = await fetch(url, { headers: { accept: "application/json" } });
  if (!response.ok) {
    const body = (await response.json().catch(() => null)) as { error?: { message?: string } } | null;
    throw new Error(body?.error?.message ?? `request failed (${response.status})`);
  }
  return response.json();
}

export function useSourceList(filters: SourceListFilters, initialData?: SourceListPage) {
  return useQuery({
    queryKey: sourceQueryKeys.list(filters),
    queryFn: async () => sourceListPageSchema.parse(await getJson(`/api/sources?${toSearch(filters)}`)),
    initialData,
    placeholderData: keepPreviousData,
    refetchInterval: LIVE_REFRESH_MS,
  });
}

export function useSourceSummary(sourceId: string, initialData?: SourceSummaryView) {
  return useQuery({
    queryKey: sourceQueryKeys.summary(sourceId),
    queryFn: async () => sourceSummarySchema.parse(await getJson(`/api/sources/${sourceId}`)),
    initialData,
    refetchInterval: LIVE_REFRESH_MS,
  });
}

export function useThroughput(sourceId: string, range: ThroughputRange) {
  return useQuery({
    queryKey: sourceQueryKeys.throughput(sourceId, range),
    queryFn: async () => throughputSchema.parse(await getJson(`/api/sources/${sourceId}/throughput?range=${range}`)),
    placeholderData: keepPreviousData,
    refetchInterval: LIVE_REFRESH_MS,
  });
}

export function usePullHistory(sourceId: string, filters: PullHistoryFilters, initialData?: PullHistoryPage) {
  return useQuery({
    queryKey: sourceQueryKeys.pulls(sourceId, filters),
    queryFn: async () => pullHistoryPageSchema.parse(await getJson(`/api/sources/${sourceId}/pulls?${toSearch(filters)}`)),
    initialData,
    placeholderData: keepPreviousData,
    // Only the first page moves under the reader; older pages stay put while being read.
    refetchInterval: (filters.page ?? 1) === 1 ? LIVE_REFRESH_MS : false,
  });
}

export function useClassificationFailures(sourceId: string) {
  return useInfiniteQuery({
    queryKey: sourceQueryKeys.failures(sourceId),
    queryFn: async ({ pageParam }) => failurePageSchema.parse(await getJson(`/api/sources/${sourceId}/failures?${toSearch({ cursor: pageParam ?? undefined })}`)),
    initialPageParam: null as string | null,
    getNextPageParam: (page) => page.nextCursor,
  });
}

export function useSourceAudit(sourceId: string) {
  return useInfiniteQuery({
    queryKey: sourceQueryKeys.audit(sourceId),
    queryFn: async ({ pageParam }) => auditPageSchema.parse(await getJson(`/api/sources/${sourceId}/audit?${toSearch({ cursor: pageParam ?? undefined })}`)),
    initialPageParam: null as string | null,
    getNextPageParam: (page) => page.nextCursor,
  });
}
