import type { z } from 'zod';

export interface ResponseSpec {
  description: string;
  schema?: z.ZodType;
  contentType?: string;
  headers?: readonly string[];
}

/** One HTTP route as the OpenAPI document describes it, built from the zod schemas the route validates with. */
export interface RouteSpec {
  method: 'get' | 'post' | 'put' | 'delete';
  /** OpenAPI path, `{name}` for parameters: `/api/questions/{id}`. */
  path: string;
  summary: string;
  description?: string;
  tag: string;
  params?: z.ZodObject;
  query?: z.ZodObject;
  body?: z.ZodType;
  responses: Record<number, ResponseSpec>;
  /** Whether the route needs an API key when keys are configured. */
  secured?: boolean;
}

/** `/api/questions/:id` as OpenAPI writes it. */
export function toOpenApiPath(honoPath: string): string {
  return honoPath.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
}
