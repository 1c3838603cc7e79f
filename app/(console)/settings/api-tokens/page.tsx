import type { Metadata } from "next";
import { ApiTokenManagement } from "@/features/api-tokens/components/api-token-management";
import { requirePermission } from "@/features/auth/session";
import { getEnv } from "@/lib/env";

export const metadata: Metadata = { title: "API tokens" };

export default async function ApiTokensPage() {
  await requirePermission("api-tokens:manage");
  return <ApiTokenManagement apiUrl={`${getEnv().PUBLIC_URL}/api/v1`} />;
}
