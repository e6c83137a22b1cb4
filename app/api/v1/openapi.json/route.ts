import { buildOpenApiDocument } from '../../../../lib/http/openapi';

export const dynamic = 'force-static';

// GET /api/v1/openapi.json — the OpenAPI 3.1 description of /api/v1 (public: it holds no data).
export function GET(): Response {
  return Response.json(buildOpenApiDocument());
}
