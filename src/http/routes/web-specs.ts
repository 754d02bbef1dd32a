import { z } from 'zod';
import { ASSETS } from '../../web/web-routes.js';
import { describeRoute, type RouteSpec } from '../openapi/route-spec.js';

// The web chat's routes as the OpenAPI document describes them. Here, in the HTTP layer, so that `web/`
// imports nothing from `http/`: the dependency runs one way. The app mounts each where it mounts the chat.
const pageSpec: RouteSpec = { tag: 'web', summary: 'The web chat', responses: { 200: { description: 'HTML page', schema: z.string(), contentType: 'text/html' } } };
const assetSpec: RouteSpec = {
  tag: 'web',
  summary: "The chat's scripts and stylesheet",
  params: z.object({ name: z.enum(Object.keys(ASSETS) as [keyof typeof ASSETS, ...(keyof typeof ASSETS)[]]) }),
  responses: { 200: { description: 'The file' }, 404: { description: 'No such file' } },
};

/** The descriptions of the chat page's routes, mounted on the same paths as `webRoutes`. */
export const webDescriptions = { page: describeRoute(pageSpec), asset: describeRoute(assetSpec) };
