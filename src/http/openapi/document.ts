import { z } from 'zod';
import type { DescribedRoute, RouteSpec } from './route-spec.js';

const HEADER_DOCS: Record<string, { description: string; schema: { type: string } }> = {
  'Retry-After': { description: 'Seconds to wait before retrying', schema: { type: 'integer' } },
  'WWW-Authenticate': { description: 'The bearer scheme expected', schema: { type: 'string' } },
};

function jsonSchema(schema: z.ZodType, io: 'input' | 'output'): Record<string, unknown> {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(schema, { target: 'draft-2020-12', io, unrepresentable: 'any' });
  return rest;
}

function parameters(spec: RouteSpec) {
  const out: Record<string, unknown>[] = [];
  for (const [where, obj] of [['path', spec.params], ['query', spec.query]] as const) {
    if (!obj) continue;
    const shape = jsonSchema(obj, 'input');
    const props = (shape.properties ?? {}) as Record<string, Record<string, unknown>>;
    const required = new Set((shape.required ?? []) as string[]);
    for (const [name, schema] of Object.entries(props)) {
      out.push({ name, in: where, required: where === 'path' || required.has(name), schema, ...(schema.description ? { description: schema.description } : {}) });
    }
  }
  return out;
}

export interface DocumentInfo {
  title: string;
  version: string;
  description: string;
}

/** An OpenAPI 3.1 document for the routes: request and response schemas come from the routes' own zod schemas. */
export function buildOpenApiDocument(specs: readonly DescribedRoute[], info: DocumentInfo) {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const spec of specs) {
    const responses: Record<string, unknown> = {};
    for (const [status, r] of Object.entries(spec.responses)) {
      responses[status] = {
        description: r.description,
        ...(r.schema ? { content: { [r.contentType ?? 'application/json']: { schema: jsonSchema(r.schema, 'output') } } } : {}),
        ...(r.headers ? { headers: Object.fromEntries(r.headers.map((h) => [h, HEADER_DOCS[h] ?? { schema: { type: 'string' } }])) } : {}),
      };
    }
    (paths[spec.path] ??= {})[spec.method] = {
      summary: spec.summary,
      ...(spec.description ? { description: spec.description } : {}),
      tags: [spec.tag],
      operationId: `${spec.method}${spec.path.replace(/[{}]/g, '').replace(/[^A-Za-z0-9]+(.)?/g, (_m, ch: string | undefined) => (ch ?? '').toUpperCase())}`,
      parameters: parameters(spec),
      ...(spec.body ? { requestBody: { required: true, content: { 'application/json': { schema: jsonSchema(spec.body, 'input') } } } } : {}),
      responses,
      ...(spec.secured ? { security: [{ bearer: [] }, {}] } : {}),
    };
  }
  return {
    openapi: '3.1.0',
    info,
    paths,
    components: {
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer', description: 'Required on /api routes when the server sets API_KEYS' },
      },
    },
  };
}
