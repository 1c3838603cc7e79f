import { NextResponse } from "next/server";
import { authorizeRequest } from "@/features/auth/session";
import { listUsers } from "@/features/users/data";

export const dynamic = "force-dynamic";

export async function GET() {
  const authorization = await authorizeRequest("users:manage");
  if (!authorization.ok) return authorization.response;
  return NextResponse.json({ users: await listUsers() }, { headers: { "cache-control": "no-store" } });
}
