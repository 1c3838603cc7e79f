"use client";

import { useQuery } from "@tanstack/react-query";
import { userListSchema } from "@/features/users/schema";

export const usersQueryKeys = {
  all: ["users"] as const,
  list: () => [...usersQueryKeys.all, "list"] as const,
};

async function fetchUsers() {
  const response = await fetch("/api/users", { headers: { accept: "application/json" } });
  if (!response.ok) throw new Error(`users request failed (${response.status})`);
  return userListSchema.parse(await response.json()).users;
}

export function useUsers() {
  return useQuery({ queryKey: usersQueryKeys.list(), queryFn: fetchUsers });
}
