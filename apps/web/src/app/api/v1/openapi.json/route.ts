import { routeOf } from '@/lib/api-v1';
import { operations } from '@/lib/api-v1-operations';
import { openApiDocument } from '@/lib/openapi';

/** GET /api/v1/openapi.json (viewer): the OpenAPI 3.1 document of /api/v1, generated from the zod schemas. */
export const GET = routeOf(operations.openapi, () => Promise.resolve(openApiDocument()));
