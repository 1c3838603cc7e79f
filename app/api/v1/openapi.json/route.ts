import { buildOpenApiDocument } from "@/features/api/openapi";
import { apiJson } from "@/features/api/responses";
import { getEnv } from "@/lib/env";

export const dynamic = "force-dynamic";

/** Public: the document describes the API and holds no secrets, so clients can fetch it before they have a token. */
export async function GET() {
  return apiJson(buildOpenApiDocument(getEnv().PUBLIC_URL));
}
