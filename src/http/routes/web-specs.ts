import { z } from 'zod';
import { ASSETS } from '../../web/web-routes.js';
import type { RouteSpec } from '../openapi/route-spec.js';

// The web chat's routes as the OpenAPI document describes them. Here, in the HTTP layer, so that `web/`
// imports nothing from `http/`: the dependency runs one way.
export const webSpecs: RouteSpec[] = [
  { method: 'get', path: '/', tag: 'web', summary: 'The web chat', responses: { 200: { description: 'HTML page', schema: z.string(), contentType: 'text/html' } } },
  {
    method: 'get',
    path: '/static/{name}',
    tag: 'web',
    summary: "The chat's scripts and stylesheet",
    params: z.object({ name: z.enum(Object.keys(ASSETS) as [keyof typeof ASSETS, ...(keyof typeof ASSETS)[]]) }),
    responses: { 200: { description: 'The file' }, 404: { description: 'No such file' } },
  },
];
