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

const historySpec: RouteSpec = {
  tag: 'web',
  summary: "A candidate's practice history",
  description: 'Server-rendered: the sessions and an inline SVG chart of scores over time per topic. Without `candidate` the page takes the id this browser keeps, if any.',
  query: z.object({ candidate: z.string().optional() }),
  responses: {
    200: { description: 'HTML page', schema: z.string(), contentType: 'text/html' },
    400: { description: 'HTML page: `candidate` is not a UUID', schema: z.string(), contentType: 'text/html' },
    404: { description: 'HTML page: no session was started with this id', schema: z.string(), contentType: 'text/html' },
  },
};
const historyCssSpec: RouteSpec = { tag: 'web', summary: "The history page's stylesheet", responses: { 200: { description: 'CSS' } } };
const historyJsSpec: RouteSpec = { tag: 'web', summary: 'Reloads the history page with the id this browser keeps', responses: { 200: { description: 'JavaScript' } } };

/** The descriptions of the chat page's and the history page's routes, mounted on the same paths as theirs. */
export const webDescriptions = {
  page: describeRoute(pageSpec),
  asset: describeRoute(assetSpec),
  history: describeRoute(historySpec),
  historyCss: describeRoute(historyCssSpec),
  historyJs: describeRoute(historyJsSpec),
};
