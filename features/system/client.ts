"use client";

import { useQuery } from "@tanstack/react-query";
import { systemStatusSchema, type SystemStatus } from "@/features/system/schema";

export const systemQueryKeys = {
  all: ["system"] as const,
  status: () => [...systemQueryKeys.all, "status"] as const,
};

async function fetchSystemStatus(): Promise<SystemStatus> {
  const response = await fetch("/api/system/status", { headers: { accept: "application/json" } });
  if (!response.ok) throw new Error(`status request failed (${response.status})`);
  return systemStatusSchema.parse(await response.json());
}

export function useSystemStatus() {
  return useQuery({ queryKey: systemQueryKeys.status(), queryFn: fetchSystemStatus, refetchInterval: 15_000 });
}
