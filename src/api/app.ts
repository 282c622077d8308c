import { randomUUID } from 'node:crypto';
import path from 'node:path';
import express, { type NextFunction, type Request, type Response } from 'express';
import { accessLog } from '../observability/access-log';
import { annotateRequestSpan } from '../observability/tracing';
import { createLogger, type Logger } from '../observability/logger';
import { createApiMetrics, routeBase, type ApiMetrics } from '../observability/metrics';
import { readToken } from './auth';
import type { ApiDeps } from './context';
import { ApiError, answerOf, notFound, unavailable } from './errors';
import { mountRoutes } from './mount';
import { isMultipart } from './multipart';
import type { RouteSpec } from './route';
import { ROUTES } from './route-table';
import { docsAssets } from './routes/docs';
import { isUnavailable } from './temporal';
import { throttle } from './throttle';

/** Routes below it pass the API's middleware: JSON bodies, the token, throttling. */
const API_BASE = '/api/v2';
const JSON_LIMIT = '1mb';
const REQUEST_ID = /^[A-Za-z0-9._-]{1,128}$/;
/** The partner portal (docs/portal.md), built into dist/portal; its CSP allows no inline code. */
const PORTAL_DIR = path.resolve(__dirname, '../../portal');
const PORTAL_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; " +
  "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

function portal() {
  const files = express.static(PORTAL_DIR, { redirect: false, index: 'index.html' });
  return (req: Request, res: Response, next: NextFunction) => {
    if (req.originalUrl.split('?')[0] === '/portal') return void res.redirect(301, '/portal/');
    res.setHeader('Content-Security-Policy', PORTAL_CSP);
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Referrer-Policy', 'no-referrer');
    res.setHeader('Cache-Control', 'no-cache');
    files(req, res, next);
  };
}

function requestId(req: Request, res: Response, next: NextFunction) {
  const given = req.headers['x-request-id'];
  req.requestId = typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
  res.setHeader('X-Request-Id', req.requestId);
  annotateRequestSpan(req.requestId);
  next();
}

/**
 * The paths below API_BASE whose routes take multipart bodies (image uploads), as one pattern; an
 * `:id` there matches digits only, as it always has (a multipart body to `/products/x/` is a 415).
 */
function multipartPaths(routes: RouteSpec[]): RegExp {
  const patterns = routes
    .filter((route) => route.multipart)
    .map((route) =>
      route.path
        .slice(API_BASE.length)
        .replace(/\/$/, '')
        .replace(/:(\w+)/g, (_m, name: string) => (name === 'id' ? '\\d+' : '[^/]+')),
    );
  return new RegExp(`^(${[...new Set(patterns)].join('|')})\\/?$`);
}

/**
 * JSON bodies only (415 otherwise); a body-less POST counts as `{}`. Multipart bodies pass through
 * untouched on `multipartPaths`, whose routes parse them.
 */
function jsonBody(multipartPaths: RegExp) {
  const parse = express.json({ limit: JSON_LIMIT, strict: false });
  return (req: Request, res: Response, next: NextFunction) => {
    if (!['POST', 'PUT', 'PATCH', 'DELETE'].includes(req.method)) return next();
    const length = Number(req.headers['content-length'] ?? 0);
    if (!(length > 0) && req.headers['transfer-encoding'] === undefined) {
      req.body = {};
      return next();
    }
    const type = req.headers['content-type'] ?? '';
    if (multipartPaths.test(req.path) && isMultipart(type)) return next();
    if (!/^application\/([\w.-]+\+)?json\s*(;|$)/i.test(type)) {
      throw new ApiError(415, { detail: `Unsupported media type "${type.split(';')[0]}" in request.` });
    }
    parse(req, res, next);
  };
}

function bodyErrors(err: unknown): ApiError | undefined {
  const type = (err as { type?: string }).type;
  if (type === 'entity.parse.failed') {
    const message = String((err as Error).message)
      .replace(/\s+/g, ' ')
      .slice(0, 200);
    return new ApiError(400, { detail: `JSON parse error - ${message}` });
  }
  if (type === 'entity.too.large') return new ApiError(413, { detail: 'Request body is too large.' });
  if (type === 'encoding.unsupported' || type === 'charset.unsupported') {
    return new ApiError(415, { detail: 'Unsupported request body encoding.' });
  }
  if (type === 'request.aborted' || type === 'request.size.invalid' || type === 'stream.encoding.set') {
    return new ApiError(400, { detail: 'Malformed request body.' });
  }
  // A path with a broken %-escape names no object (the router fails to decode its parameter).
  if (err instanceof URIError) return notFound();
  const status = (err as { status?: unknown; expose?: unknown }).status;
  if (typeof status === 'number' && status >= 400 && status < 500 && (err as { expose?: unknown }).expose) {
    return new ApiError(status, { detail: 'Malformed request.' });
  }
  return undefined;
}

function isDatabaseBusy(err: unknown): boolean {
  const code = (err as { code?: string }).code ?? '';
  return code === 'SQLITE_BUSY' || code === 'SQLITE_LOCKED' || code === 'ECONNREFUSED' || code === '57P01';
}

function partition<T>(items: T[], test: (item: T) => boolean): [T[], T[]] {
  return [items.filter(test), items.filter((item) => !test(item))];
}

export interface ApiObservability {
  logger: Logger;
  metrics: ApiMetrics;
}

export function createApp(deps: ApiDeps, observability?: ApiObservability) {
  const logger = observability?.logger ?? createLogger(deps.config, 'api');
  const metrics = observability?.metrics ?? createApiMetrics({ logger });
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.set('query parser', 'simple');
  app.use(requestId);
  app.use(accessLog(logger));
  app.use(metrics.http);

  const context = { deps, metrics };
  const [apiRoutes, otherRoutes] = partition(ROUTES, (route) => route.path.startsWith(`${API_BASE}/`));
  const api = express.Router();
  api.use(routeBase);
  api.use(jsonBody(multipartPaths(apiRoutes)));
  api.use(readToken(deps.repos));
  api.use(throttle(deps.config.throttlePerMinute, deps.repos.throttle));
  mountRoutes(api, apiRoutes, context, API_BASE);
  app.use(API_BASE, api);
  mountRoutes(app, otherRoutes, context);
  app.use(docsAssets());
  app.use('/portal', portal());

  app.use(() => {
    throw notFound();
  });

  app.use((err: unknown, req: Request, res: Response, _next: NextFunction) => {
    const known =
      answerOf(err) ??
      bodyErrors(err) ??
      (isUnavailable(err) || isDatabaseBusy(err) ? unavailable() : undefined);
    if (res.headersSent) {
      res.destroy();
      return;
    }
    if (known) {
      for (const [k, v] of Object.entries(known.headers)) res.setHeader(k, v);
      res.status(known.status).json(known.body);
      return;
    }
    // The stack goes to the log, never to the client.
    logger.error(
      { request_id: req.requestId, method: req.method, path: req.originalUrl.split('?')[0], err },
      'unhandled error',
    );
    res.status(500).json({ detail: 'Internal server error.', request_id: req.requestId });
  });
  return app;
}
