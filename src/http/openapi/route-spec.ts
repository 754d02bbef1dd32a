import type { MiddlewareHandler } from 'hono';
import type { z } from 'zod';

export interface ResponseSpec {
  description: string;
  schema?: z.ZodType;
  contentType?: string;
  headers?: readonly string[];
}

/**
 * What the OpenAPI document says about one route, built from the zod schemas the route validates with.
 * Its method and path are not written here: they are the ones the route is mounted at.
 */
export interface RouteSpec {
  summary: string;
  description?: string;
  tag: string;
  params?: z.ZodObject;
  query?: z.ZodObject;
  body?: z.ZodType;
  responses: Record<number, ResponseSpec>;
}

/** A route as the document lists it: its spec, where it is mounted, and whether it needs an API key. */
export interface DescribedRoute extends RouteSpec {
  method: string;
  /** OpenAPI path, `{name}` for parameters: `/api/questions/{id}`. */
  path: string;
  /** Mounted behind a route guard: needs an API key (or the page token) when keys are configured. */
  secured: boolean;
}

const SPEC = Symbol('route spec');
const GUARD = Symbol('route guard');

type Described = MiddlewareHandler & { [SPEC]?: RouteSpec; [GUARD]?: true };

/**
 * Per-route middleware that carries the route's spec, mounted with the handler it describes:
 * `.get('/:id', describeRoute(detail), guard(...), handler)`. It does nothing at request time; the
 * OpenAPI document is read off the app's routes, so a route and its description cannot part.
 */
export function describeRoute(spec: RouteSpec): MiddlewareHandler {
  const mw: Described = (_c, next) => next();
  mw[SPEC] = spec;
  return mw;
}

/** Mark a route guard, so the document knows the routes that mount it need a key. */
export function markGuard(mw: MiddlewareHandler): MiddlewareHandler {
  (mw as Described)[GUARD] = true;
  return mw;
}

/** The described routes among hono's `app.routes`, in the order they were mounted. */
export function describedRoutes(routes: readonly { method: string; path: string; handler: unknown }[]): DescribedRoute[] {
  const specs = new Map<string, { method: string; path: string; spec: RouteSpec }>();
  const guarded = new Set<string>();
  for (const r of routes) {
    const key = `${r.method} ${r.path}`;
    const h = r.handler as Described;
    if (h[GUARD]) guarded.add(key);
    const spec = h[SPEC];
    if (spec) specs.set(key, { method: r.method.toLowerCase(), path: toOpenApiPath(r.path), spec });
  }
  return [...specs].map(([key, { method, path, spec }]) => ({ ...spec, method, path, secured: guarded.has(key) }));
}

/** `/api/questions/:id` as OpenAPI writes it. */
export function toOpenApiPath(honoPath: string): string {
  return honoPath.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
}
