import type { NextRequest } from "next/server";
import { authorizeRequest } from "@/features/auth/session";
import { createEventExportStream, EXPORT_CONTENT_TYPES, exportFileName } from "@/features/events/export";
import { eventExportQuerySchema } from "@/features/events/schema";
import { jsonError } from "@/lib/http";

export const dynamic = "force-dynamic";

export async function GET(request: NextRequest) {
  const authorization = await authorizeRequest("console:read");
  if (!authorization.ok) return authorization.response;
  const query = eventExportQuerySchema.safeParse(Object.fromEntries(request.nextUrl.searchParams));
  if (!query.success) return jsonError(400, "invalid_query", query.error.issues[0]?.message ?? "Invalid filter");
  const { format, ...filter } = query.data;
  return new Response(createEventExportStream(filter, format, request.signal), {
    headers: {
      "content-type": EXPORT_CONTENT_TYPES[format],
      "content-disposition": `attachment; filename="${exportFileName(format, new Date())}"`,
      "cache-control": "no-store",
    },
  });
}
