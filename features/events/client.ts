"use client";

import { keepPreviousData, useInfiniteQuery } from "@tanstack/react-query";
import { eventFiltersToApiParams, eventPageSchema, type EventFilters } from "@/features/events/schema";

/** How often the newest page is read again while someone watches it. */
export const EVENTS_REFRESH_MS = 5_000;

export const eventQueryKeys = {
  all: ["events"] as const,
  list: (filters: EventFilters) => [...eventQueryKeys.all, "list", filters] as const,
};

/** Where the next page starts, and the moment the first page's preset range was counted back from. */
type EventPageParam = { cursor: string; at: number } | null;

async function fetchEventPage(filters: EventFilters, pageParam: EventPageParam, signal: AbortSignal) {
  // A preset range is counted back from the moment of the first page, so a refresh sees new events,
  // while older pages keep that same window and no minute slides out of it between clicks.
  const at = pageParam?.at ?? Date.now();
  const parameters = eventFiltersToApiParams(filters, at);
  if (pageParam) parameters.set("cursor", pageParam.cursor);
  const response = await fetch(`/api/events?${parameters}`, { headers: { accept: "application/json" }, signal });
  if (!response.ok) {
    const body = (await response.json().catch(() => null)) as { error?: { message?: string } } | null;
    throw new Error(body?.error?.message ?? `events request failed (${response.status})`);
  }
  return { ...eventPageSchema.parse(await response.json()), at };
}

const isFirstPageOnly = (pageCount: number | undefined) => (pageCount ?? 0) <= 1;

export function useEvents(filters: EventFilters) {
  return useInfiniteQuery({
    queryKey: eventQueryKeys.list(filters),
    queryFn: ({ pageParam, signal }) => fetchEventPage(filters, pageParam, signal),
    initialPageParam: null as EventPageParam,
    getNextPageParam: (page): EventPageParam => (page.nextCursor ? { cursor: page.nextCursor, at: page.at } : null),
    // A filter change keeps the old rows on screen until the new ones arrive, instead of a blank table.
    placeholderData: keepPreviousData,
    // A refetch of an infinite query re-reads every loaded page from the newest: fine for a reader of
    // the first page, but it would shift the rows under someone who has loaded older ones. So only
    // the first page refreshes, and a range that has ended has nothing new to show.
    refetchInterval: (query) => (isFirstPageOnly(query.state.data?.pages.length) && !hasEnded(filters) ? EVENTS_REFRESH_MS : false),
    refetchOnWindowFocus: (query) => isFirstPageOnly(query.state.data?.pages.length),
  });
}

function hasEnded(filters: EventFilters): boolean {
  if (filters.range !== "custom" || !filters.to) return false;
  const end = Date.parse(filters.to);
  return !Number.isNaN(end) && end < Date.now();
}
