import type { JSONSchema } from '@shop/kit';
import type { GatewayRoute } from './table';

// Builds the OpenAPI 3.1 document from the route table: the same schemas that validate requests describe
// them, so the document cannot drift from what the gateway accepts.

export interface OpenApiInfo {
  title: string;
  version: string;
  description?: string;
  /** Base path (or URL) of the API, e.g. `/api/v1`. */
  serverUrl: string;
  problemSchema: JSONSchema;
}

type Json = Record<string, unknown>;

const PROBLEMS: Record<number, string> = {
  400: 'The request is not valid; `errors` names each field',
  401: 'Missing, invalid or expired access token',
  403: 'The access token does not allow this operation',
  413: 'Request body too large',
  415: 'The body is not JSON',
  429: 'Too many requests; see Retry-After',
  502: 'An upstream service failed',
  503: 'An upstream service is unavailable, or too busy (then with Retry-After)',
  504: 'An upstream service did not answer in time',
};

const RATE_HEADERS = {
  'RateLimit-Limit': { description: 'requests allowed in the current window', schema: { type: 'integer' } },
  'RateLimit-Remaining': { description: 'requests left in the current window', schema: { type: 'integer' } },
  'RateLimit-Reset': { description: 'seconds until the window resets', schema: { type: 'integer' } },
};

/** `/products/:id` → `/products/{id}` */
export const toOpenApiPath = (path: string) => path.replace(/:([A-Za-z0-9_]+)/g, '{$1}');

function parameters(schema: JSONSchema | undefined, where: 'query' | 'path'): Json[] {
  if (!schema) return [];
  const props = (schema.properties ?? {}) as Record<string, Json>;
  const required = (schema.required ?? []) as string[];
  return Object.entries(props).map(([name, propSchema]) => ({
    name,
    in: where,
    // A parameter with a default may be left out, whatever the validating schema says.
    required: where === 'path' || (required.includes(name) && !('default' in propSchema)),
    schema: propSchema,
  }));
}

function problemStatuses(route: GatewayRoute): number[] {
  const statuses: number[] = [];
  if (route.query || route.params || route.body) statuses.push(400);
  if (route.access !== 'public') statuses.push(401);
  if (route.access === 'admin') statuses.push(403);
  if (route.body) statuses.push(413, 415);
  statuses.push(429);
  if (route.target.kind === 'upstream' || route.target.handler === 'overview') statuses.push(502, 503, 504);
  return statuses;
}

function operation(route: GatewayRoute): Json {
  const { status, description, schema } = route.response;
  const success: Json = {
    description,
    headers: RATE_HEADERS,
    ...(status === 204 ? {} : { content: { 'application/json': { schema: schema ?? {} } } }),
  };
  const responses: Json = { [String(status)]: success };
  for (const code of problemStatuses(route)) responses[String(code)] = { $ref: `#/components/responses/Problem${code}` };
  // Upstream 4xx pass through unchanged (404 not found, 409 conflict, ...).
  if (route.target.kind === 'upstream') responses['4XX'] = { $ref: '#/components/responses/Problem' };
  return {
    operationId: route.operationId,
    summary: route.summary,
    tags: [route.tag],
    'x-access': route.access,
    'x-rate-limit-class': route.rateLimit,
    parameters: [...parameters(route.params, 'path'), ...parameters(route.query, 'query')],
    ...(route.body
      ? {
          requestBody: {
            required: true,
            content: { 'application/json': { schema: route.body, ...(route.example === undefined ? {} : { example: route.example }) } },
          },
        }
      : {}),
    responses,
    security: route.access === 'public' ? [] : [{ bearerAuth: [] }],
  };
}

export function buildOpenApi(routes: readonly GatewayRoute[], info: OpenApiInfo): Json {
  const paths: Record<string, Json> = {};
  for (const route of routes) {
    const path = toOpenApiPath(route.path);
    paths[path] = { ...paths[path], [route.method.toLowerCase()]: operation(route) };
  }
  const problem = (description: string) => ({
    description,
    content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } },
  });
  const responses: Record<string, Json> = { Problem: problem('An error, as RFC 9457 problem details') };
  for (const [code, description] of Object.entries(PROBLEMS)) responses[`Problem${code}`] = problem(description);
  responses.Problem429 = { ...responses.Problem429, headers: { ...RATE_HEADERS, 'Retry-After': { schema: { type: 'integer' } } } };
  responses.Problem503 = { ...responses.Problem503, headers: { 'Retry-After': { schema: { type: 'integer' } } } };
  return {
    openapi: '3.1.0',
    info: { title: info.title, version: info.version, ...(info.description ? { description: info.description } : {}) },
    servers: [{ url: info.serverUrl }],
    paths,
    components: {
      schemas: { Problem: info.problemSchema },
      responses,
      securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
    },
  };
}
