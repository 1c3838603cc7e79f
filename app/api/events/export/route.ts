import type { NextRequest } from "next/server";
import { authorizeRequest } from "@/features/auth/session";
import { createEventExportStream, EXPORT_CONTENT_TYPES, exportFileName } from "@/features/events/export";
import { eventExportQuerySchema } from "@/features/events/schema";
import { jsonError } from "@/lib/http";
import { requestLogger } from "@/lib/web-logger";

export const dynamic = "force-dynamic";

export async function GET(request: NextRequest) {
  const authorization = await authorizeRequest("console:read");
  if (!authorization.ok) return authorization.response;
  const query = eventExportQuerySchema.safeParse(Object.fromEntries(request.nextUrl.searchParams));
  if (!query.success) return jsonError(400, "invalid_query", query.error.issues[0]?.message ?? "Invalid filter");
  const { format, ...filter } = query.data;
  const onError = (error: unknown) => requestLogger(request.headers).error({ event: "events_export_failed", err: error }, "event export failed mid-stream");
  return new Response(createEventExportStream(filter, format, { signal: request.signal, onError }), {
    headers: {
      "content-type": EXPORT_CONTENT_TYPES[format],
      "content-disposition": `attachment; filename="${exportFileName(format, new Date())}"`,
      "cache-control": "no-store",
    },
  });
}
