import express, { Router } from 'express';
import { absolutePath } from 'swagger-ui-dist';
import type { ApiDeps } from '../context';
import { openApiDocument } from '../openapi';
import { methodNotAllowed } from './common';

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

/** The OpenAPI document and Swagger UI, its assets served from the npm package (no CDN). */
export function docsRoutes(deps: ApiDeps): Router {
  const router = Router();
  const document = JSON.stringify(openApiDocument(deps.config.publicUrl));
  router
    .route('/api/schema/')
    .get((_req, res) => void res.type('application/json').send(document))
    .all(methodNotAllowed);
  router
    .route('/api/docs/')
    .get((_req, res) => void res.setHeader('Content-Security-Policy', CSP).type('html').send(PAGE))
    .all(methodNotAllowed);
  // Static assets of the page, not API routes.
  router.use('/api/docs/init.js', (_req, res) => void res.type('application/javascript').send(INIT));
  router.use('/api/docs/assets', express.static(absolutePath(), { index: false }));
  return router;
}
