/** Builds the OpenAPI 3.1 document from the declared routes, so the document cannot drift from the code. */
import { z } from 'zod';
import type { RouteDefinition } from './api-router';

const errorSchema = {
  type: 'object',
  properties: {
    error: {
      type: 'object',
      required: ['code', 'message', 'details'],
      properties: { code: { type: 'string' }, message: { type: 'string' }, details: {} },
    },
  },
};

function jsonSchema(schema: z.ZodType): Record<string, unknown> {
  try {
    return z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
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

export function buildOpenApiDocument(routes: RouteDefinition[], serverUrl: string): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const def of routes) {
    const p = (paths[toOpenApiPath(def.path)] ??= {});
    const responses: Record<string, unknown> = {};
    for (const [status, description] of Object.entries(def.responses ?? { 200: 'OK' })) {
      responses[status] = { description, content: { [def.responseType ?? 'application/json']: {} } };
    }
    responses.default = { description: 'Error', content: { 'application/json': { schema: errorSchema } } };
    p[def.method] = {
      summary: def.summary,
      tags: def.tags,
      security: def.access === 'public' ? [] : [{ bearer: [] }],
      'x-roles': def.access === 'public' || def.access === 'authenticated' ? def.access : [...def.access],
      parameters: parameters(def),
      ...(def.body || def.requestType
        ? { requestBody: { required: true, content: { [def.requestType ?? 'application/json']: { schema: def.body ? jsonSchema(def.body) : {} } } } }
        : {}),
      responses,
    };
  }
  return {
    openapi: '3.1.0',
    info: { title: 'lianxin 连心 API', version: '1.0.0', description: '人大代表履职宣传平台 — admin, public and callback APIs' },
    servers: [{ url: serverUrl }],
    components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
    paths,
  };
}
