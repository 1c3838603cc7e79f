import NextAuth from "next-auth";
import { getAuthOptions } from "@/features/auth/session";

type RouteContext = { params: Promise<{ nextauth: string[] }> };

// Options are resolved per request so the secret comes from validated configuration at run time.
function handler(request: Request, context: RouteContext) {
  return NextAuth(getAuthOptions())(request, context);
}

export { handler as GET, handler as POST };
