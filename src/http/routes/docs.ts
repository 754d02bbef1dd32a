import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { serveStatic } from '@hono/node-server/serve-static';
import { Hono } from 'hono';
import { z } from 'zod';
import { describeRoute, type RouteSpec } from '../openapi/route-spec.js';
import { NotFoundError } from '../../errors.js';
import { ErrorBody } from '../schemas.js';

// Swagger UI's files ship inside the npm package, so the docs work offline with no CDN.
const swaggerDir = () => dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));
// A Map, not an object: a name such as `__proto__` or `constructor` must be an unknown asset, not a property.
const ASSETS = new Map<string, string>([
  ['swagger-ui.css', 'text/css; charset=utf-8'],
  ['swagger-ui-bundle.js', 'text/javascript; charset=utf-8'],
]);

const PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Interview coach API</title>
<link rel="stylesheet" href="/docs/assets/swagger-ui.css">
</head>
<body>
<div id="swagger-ui"></div>
<script src="/docs/assets/swagger-ui-bundle.js"></script>
<script src="/docs/init.js"></script>
</body>
</html>`;

const INIT = `window.ui = SwaggerUIBundle({ url: '/openapi.json', dom_id: '#swagger-ui', deepLinking: true });`;

const documentSpec: RouteSpec = { tag: 'docs', summary: 'This OpenAPI 3.1 document', responses: { 200: { description: 'The document', schema: z.record(z.string(), z.unknown()) } } };
const pageSpec: RouteSpec = { tag: 'docs', summary: 'API docs page (offline)', responses: { 200: { description: 'HTML page', schema: z.string(), contentType: 'text/html' } } };
const initSpec: RouteSpec = { tag: 'docs', summary: 'Script of the docs page', responses: { 200: { description: 'JavaScript', schema: z.string(), contentType: 'text/javascript' } } };
const assetSpec: RouteSpec = {
  tag: 'docs',
  summary: 'Swagger UI files',
  params: z.object({ file: z.string() }),
  responses: { 200: { description: 'The file' }, 404: { description: 'No such asset', schema: ErrorBody } },
};

/** The OpenAPI document and an offline docs page that renders it. */
export function docsRoutes(document: () => unknown) {
  return new Hono()
    .get('/openapi.json', describeRoute(documentSpec), (c) => c.json(document()))
    .get('/docs', describeRoute(pageSpec), (c) => c.html(PAGE))
    .get('/docs/init.js', describeRoute(initSpec), (c) => c.body(INIT, 200, { 'content-type': 'text/javascript; charset=utf-8' }))
    .get(
      '/docs/assets/:file',
      describeRoute(assetSpec),
      (c, next) => {
        const file = c.req.param('file');
        if (!ASSETS.has(file)) throw new NotFoundError(`file: no asset ${JSON.stringify(file.slice(0, 100))}`);
        // Before serveStatic answers (see web-routes.ts); dropped again if the file is missing.
        c.header('Cache-Control', 'public, max-age=86400');
        return next();
      },
      serveStatic({ root: swaggerDir(), rewriteRequestPath: (path) => path.replace(/^\/docs\/assets\//, ''), onNotFound: (_path, c) => c.header('Cache-Control', undefined) }),
    );
}
