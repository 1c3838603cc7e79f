import { NextResponse } from "next/server";
import { listApiTokens } from "@/features/api-tokens/data";
import { authorizeRequest } from "@/features/auth/session";

export const dynamic = "force-dynamic";

/** The console's list of API tokens (Settings → API tokens): names and prefixes, never a token or its hash. */
export async function GET() {
  const authorization = await authorizeRequest("api-tokens:manage");
  if (!authorization.ok) return authorization.response;
  return NextResponse.json({ tokens: await listApiTokens() }, { headers: { "cache-control": "no-store" } });
}
