/** Builds the OpenAPI 3.1 document from the declared routes, so the document cannot drift from the code. */
import { z } from 'zod';
import type { RouteDefinition } from './api-router';

const errorSchema = {
  type: 'object',
  required: ['error'],
  properties: {
    error: {
      type: 'object',
      required: ['code', 'message', 'details'],
      properties: {
        code: { type: 'string', description: 'Stable machine-readable code, e.g. validation_failed, version_conflict, csrf_token_invalid' },
        message: { type: 'string', description: 'For people, in Chinese' },
        details: {
          description: 'validation_failed: the fields at fault; other codes: extra facts (retryAfterSeconds, status…) or null',
          anyOf: [{ type: 'array', items: { $ref: '#/components/schemas/FieldProblem' } }, { type: 'object', additionalProperties: true }, { type: 'null' }],
        },
      },
    },
  },
};

const fieldProblemSchema = {
  type: 'object',
  required: ['field', 'message'],
  properties: {
    field: { type: 'string', description: 'Dotted path of the offending field, e.g. body.title or query.page' },
    message: { type: 'string' },
  },
};

const errorResponses: Record<string, string> = {
  400: 'Invalid request (validation_failed names each field in details)',
  401: 'Not signed in, or the token / session expired',
  403: 'Signed in without the role this needs; or a console-session request failed the CSRF checks (cross_site_request, csrf_token_invalid)',
  404: 'No such resource',
  409: 'Conflict with the current state (version_conflict, item_not_approved…)',
  429: 'Too many attempts (Retry-After says when to try again)',
};

const securitySchemes = {
  bearer: { type: 'http', scheme: 'bearer', description: 'Token from POST /api/auth/login (scripts). Revocable: POST /api/auth/logout.' },
  session: {
    type: 'apiKey',
    in: 'cookie',
    name: 'lianxin_session',
    description: 'The staff console: httpOnly, SameSite=Strict cookie set by POST /api/auth/session. Unsafe methods also need the csrf header.',
  },
  csrf: {
    type: 'apiKey',
    in: 'header',
    name: 'X-CSRF-Token',
    description: 'With a session cookie, on POST/PUT/PATCH/DELETE: the value of the lianxin_csrf cookie (also csrfToken in /api/auth/me).',
  },
};

/**
 * Named sub-schemas of the document being built. Zod puts recursive parts under the schema's own $defs, whose
 * "#/$defs/…" references would point at the document root: they move to components.schemas instead.
 */
let sharedSchemas: Record<string, unknown> = {};

function hoistDefs(js: Record<string, unknown>): Record<string, unknown> {
  const defs = js.$defs as Record<string, unknown> | undefined;
  if (!defs) return js;
  delete js.$defs;
  const names = new Map<string, string>();
  for (const key of Object.keys(defs)) {
    const name = `Schema${Object.keys(sharedSchemas).length + names.size + 1}`;
    names.set(key, name);
  }
  const rewrite = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(rewrite);
    if (!value || typeof value !== 'object') return value;
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [k, k === '$ref' && typeof v === 'string' && v.startsWith('#/$defs/') ? `#/components/schemas/${names.get(v.slice(8))}` : rewrite(v)]),
    );
  };
  for (const [key, def] of Object.entries(defs)) sharedSchemas[names.get(key)!] = rewrite(def);
  return rewrite(js) as Record<string, unknown>;
}

function jsonSchema(schema: z.ZodType, io: 'input' | 'output' = 'input'): Record<string, unknown> {
  try {
    const js = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as Record<string, unknown>;
    delete js.$schema;
    return hoistDefs(js);
  } catch {
    return {};
  }
}

function parameters(def: RouteDefinition): unknown[] {
  const out: unknown[] = [];
  for (const [where, schema] of [['path', def.params], ['query', def.query]] as const) {
    if (!schema) continue;
    const js = jsonSchema(schema) as { properties?: Record<string, unknown>; required?: string[] };
    for (const [name, s] of Object.entries(js.properties ?? {})) {
      out.push({ name, in: where, required: where === 'path' || (js.required ?? []).includes(name), schema: s });
    }
  }
  // Path parameters without a schema still have to be declared.
  for (const m of def.path.matchAll(/:(\w+)/g)) {
    if (!out.some((p) => (p as { name: string }).name === m[1])) out.push({ name: m[1], in: 'path', required: true, schema: { type: 'string' } });
  }
  return out;
}

export function toOpenApiPath(koaPath: string): string {
  return koaPath.replace(/:(\w+)/g, '{$1}');
}

/** e.g. post /api/admin/articles/:id/submit → postAdminArticlesIdSubmit: stable, unique per method and path. */
export function operationId(def: Pick<RouteDefinition, 'method' | 'path'>): string {
  const words = def.path
    .replace(/^\/api\//, '')
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean);
  return def.method + words.map((w) => w[0].toUpperCase() + w.slice(1)).join('');
}

function security(def: RouteDefinition): unknown[] {
  if (def.access === 'public') return [];
  const unsafe = def.method !== 'get';
  return [{ bearer: [] }, unsafe ? { session: [], csrf: [] } : { session: [] }];
}

function responses(def: RouteDefinition): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const success = def.responses ?? { 200: 'OK' };
  for (const [status, description] of Object.entries(success)) {
    const code = Number(status);
    if (code >= 400) continue;
    if (code === 204 || code === 302) {
      out[status] = { description };
      continue;
    }
    const type = def.responseType ?? 'application/json';
    const schema = def.response && type === 'application/json' ? jsonSchema(def.response, 'output') : type.startsWith('application/json') ? {} : { type: 'string' };
    out[status] = { description, content: { [type]: { schema } } };
  }
  const errors = new Set<number>(Object.keys(success).map(Number).filter((c) => c >= 400));
  if (def.params || def.query || def.body) errors.add(400);
  if (def.access !== 'public') {
    errors.add(401);
    errors.add(403);
  }
  if (def.params) errors.add(404);
  for (const code of [...errors].sort()) {
    out[code] = { $ref: `#/components/responses/Error${code in errorResponses ? code : ''}` };
  }
  out.default = { $ref: '#/components/responses/Error' };
  return out;
}

export function buildOpenApiDocument(routes: RouteDefinition[], serverUrl: string): Record<string, unknown> {
  sharedSchemas = {};
  const paths: Record<string, Record<string, unknown>> = {};
  for (const def of routes) {
    const p = (paths[toOpenApiPath(def.path)] ??= {});
    p[def.method] = {
      operationId: operationId(def),
      summary: def.summary,
      tags: def.tags,
      security: security(def),
      'x-roles': def.access === 'public' || def.access === 'authenticated' ? def.access : [...def.access],
      parameters: parameters(def),
      ...(def.body || def.requestType
        ? { requestBody: { required: true, content: { [def.requestType ?? 'application/json']: { schema: def.body ? jsonSchema(def.body) : {} } } } }
        : {}),
      responses: responses(def),
    };
  }
  const errorResponse = (description: string) => ({ description, content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } });
  return {
    openapi: '3.1.0',
    info: {
      title: 'lianxin 连心 API',
      version: '1.0.0',
      description:
        '人大代表履职宣传平台 — admin, public and callback APIs. Every error has the shape {"error":{"code","message","details"}}. ' +
        'Scripts authenticate with a bearer token; the staff console with the session cookie (+ X-CSRF-Token on unsafe methods). ' +
        'x-roles lists the roles an operation needs (admin passes every role check).',
    },
    servers: [{ url: serverUrl }],
    components: {
      securitySchemes,
      schemas: { Error: errorSchema, FieldProblem: fieldProblemSchema, ...sharedSchemas },
      responses: {
        Error: errorResponse('Error'),
        ...Object.fromEntries(Object.entries(errorResponses).map(([code, d]) => [`Error${code}`, errorResponse(d)])),
      },
    },
    paths,
  };
}
