import { extendZodWithOpenApi, OpenAPIRegistry, OpenApiGeneratorV31 } from '@asteasolutions/zod-to-openapi';
import { errorCodes } from '@cc-bridge/core/errors';
import { z } from 'zod';
import { operations } from './api-v1-operations';

// The library's documented setup for zod 4: adds `.openapi()`, which registering a named
// component (the Error schema below) calls.
extendZodWithOpenApi(z);

/** The server prefix every operation's path is below. */
export const apiV1Prefix = '/api/v1';

const errorBody = z
  .object({
    error: z.object({
      code: z.enum(errorCodes),
      message: z.string(),
      fieldErrors: z.record(z.string(), z.array(z.string())).optional().describe('INVALID_INPUT: messages by field path, e.g. `fields.name`'),
    }),
  })
  .describe('Every refusal: the code maps to the HTTP status (apps/web/src/lib/api-response.ts)');

const instanceName = z.string().min(1).max(200).describe('The instance name (any case)');

/**
 * The OpenAPI 3.1 document of /api/v1, generated from the operations' zod schemas
 * (@asteasolutions/zod-to-openapi): served at GET /api/v1/openapi.json and written to
 * apps/web/openapi.json by `pnpm openapi`. Pure: the same document every call.
 */
export function openApiDocument(): ReturnType<OpenApiGeneratorV31['generateDocument']> {
  const registry = new OpenAPIRegistry();
  const bearer = registry.registerComponent('securitySchemes', 'bearerAuth', {
    type: 'http',
    scheme: 'bearer',
    description: 'An API token (`cc-bridge tokens create`), sent as `Authorization: Bearer TOKEN`; its role decides what it may do',
  });
  const error = registry.register('Error', errorBody);
  const errorResponse = (description: string) => ({ description, content: { 'application/json': { schema: error } } });

  for (const [operationId, operation] of Object.entries(operations)) {
    const hasName = operation.path.includes('{name}');
    const acts = operation.method !== 'get';
    registry.registerPath({
      operationId,
      method: operation.method,
      path: operation.path,
      summary: operation.summary,
      description: `Needs the ${operation.role} role.`,
      security: [{ [bearer.name]: [] }],
      request: {
        ...(hasName ? { params: z.object({ name: instanceName }) } : {}),
        ...(operation.query ? { query: operation.query } : {}),
        ...(operation.body ? { body: { required: true, content: { 'application/json': { schema: operation.body } } } } : {}),
      },
      responses: {
        [operation.successStatus]: { description: operation.returns, content: { 'application/json': { schema: z.object({}).loose() } } },
        400: errorResponse('INVALID_INPUT: the body or query is not valid (fieldErrors name the fields); nothing changed'),
        401: errorResponse('UNAUTHENTICATED: no valid session or bearer token'),
        403: errorResponse(`FORBIDDEN: the caller's role is weaker than ${operation.role}`),
        ...(hasName ? { 404: errorResponse('NOT_FOUND: no instance has this name') } : {}),
        ...(acts ? { 409: errorResponse('CONFLICT (a stale version), NAME_TAKEN, NOT_RUNNING, NOT_WAITING…') } : {}),
        500: errorResponse('INTERNAL, DATABASE_ERROR, CONFIG_INVALID'),
        503: errorResponse('DATABASE_BUSY or DOCKER_UNAVAILABLE: try again'),
      },
    });
  }

  return new OpenApiGeneratorV31(registry.definitions).generateDocument({
    openapi: '3.1.0',
    info: {
      title: 'cc-bridge REST API',
      version: '1',
      description: 'The registry of Claude Code instances (tmux sessions and Docker containers): list, create, update, delete, start/stop/restart, answer prompts, send input, history, discovery.',
    },
    servers: [{ url: apiV1Prefix }],
    security: [{ bearerAuth: [] }],
  });
}

/** Where `pnpm openapi` writes the document: apps/web/openapi.json, committed and checked by a test. */
export const openApiFilePath = new URL('../../openapi.json', import.meta.url);

/** The document as the committed file holds it: two-space JSON and a final newline. */
export function openApiFileText(): string {
  return `${JSON.stringify(openApiDocument(), null, 2)}\n`;
}
