"use client";

import { useQuery } from "@tanstack/react-query";
import { apiTokenListSchema } from "@/features/api-tokens/schema";

export const apiTokensQueryKeys = {
  all: ["api-tokens"] as const,
  list: () => [...apiTokensQueryKeys.all, "list"] as const,
};

async function fetchApiTokens() {
  const response = await fetch("/api/api-tokens", { headers: { accept: "application/json" } });
  if (!response.ok) throw new Error(`API tokens request failed (${response.status})`);
  return apiTokenListSchema.parse(await response.json()).tokens;
}

export function useApiTokens() {
  return useQuery({ queryKey: apiTokensQueryKeys.list(), queryFn: fetchApiTokens });
}
