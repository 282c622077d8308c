import path from 'node:path';
import { Router, type NextFunction, type Response } from 'express';
import { z } from 'zod';
import { absolutePath } from 'swagger-ui-dist';
import { openApiDocument } from '../openapi';
import type { RouteSpec } from '../route';
import { named } from '../schemas';

const openApiSchema = named('OpenApiDocument', z.record(z.string(), z.unknown()), 'This document.');

const PAGE = `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>Workorder service API</title>
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <link rel="stylesheet" href="/api/docs/assets/swagger-ui.css">
</head>
<body>
  <div id="swagger-ui"></div>
  <script src="/api/docs/assets/swagger-ui-bundle.js"></script>
  <script src="/api/docs/init.js"></script>
</body>
</html>
`;
const INIT = `window.addEventListener('load', function () {
  window.ui = SwaggerUIBundle({ url: '/api/schema/', dom_id: '#swagger-ui', deepLinking: true });
});
`;
const CSP =
  "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; frame-ancestors 'none'";

/**
 * The OpenAPI document of `documented()` (every route, these included) and Swagger UI. A function,
 * so the route table can list these routes among the ones they document.
 */
export function docsRoutes(documented: () => RouteSpec[]): RouteSpec[] {
  return [
    {
      method: 'get',
      path: '/api/schema/',
      summary: 'This OpenAPI document',
      tag: 'Operations',
      auth: 'none',
      responses: { 200: { description: 'OpenAPI 3.1 JSON.', schema: openApiSchema } },
      handle({ res, deps }) {
        const document = openApiDocument(documented(), deps.config.publicUrl);
        res.type('application/json').send(JSON.stringify(document));
      },
    },
    {
      method: 'get',
      path: '/api/docs/',
      summary: 'The browsable API reference',
      tag: 'Operations',
      auth: 'none',
      produces: 'text/html',
      responses: { 200: 'HTML.' },
      handle({ res }) {
        res.setHeader('Content-Security-Policy', CSP).type('html').send(PAGE);
      },
    },
  ];
}

/** The two files of the swagger-ui-dist package the page loads; nothing else of it is served. */
const SWAGGER_FILES: Record<string, string> = {
  'swagger-ui.css': 'text/css; charset=utf-8',
  'swagger-ui-bundle.js': 'application/javascript; charset=utf-8',
};

/**
 * The page's script and Swagger UI's two files, served from the npm package (no CDN); not API
 * routes (middleware, so the route table stays the API's). Any other path below is a 404.
 */
export function docsAssets(): Router {
  const router = Router();
  const files: Record<string, { type: string; send: (res: Response, next: NextFunction) => void }> = {
    '/api/docs/init.js': {
      type: 'application/javascript',
      send: (res) => void res.send(INIT),
    },
  };
  for (const [file, type] of Object.entries(SWAGGER_FILES)) {
    files[`/api/docs/assets/${file}`] = {
      type,
      send: (res, next) =>
        res.sendFile(path.join(absolutePath(), file), { maxAge: '1h' }, (err) => err && next(err)),
    };
  }
  router.use((req, res, next) => {
    const file = files[req.path];
    if (!file || (req.method !== 'GET' && req.method !== 'HEAD')) return next();
    res.set({ 'Content-Security-Policy': CSP, 'X-Content-Type-Options': 'nosniff' }).type(file.type);
    file.send(res, next);
  });
  return router;
}
