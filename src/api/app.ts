import { randomUUID } from 'node:crypto';
import express, { type NextFunction, type Request, type Response } from 'express';
import { authenticate } from './auth';
import type { ApiDeps } from './context';
import { ApiError, notFound, unavailable } from './errors';
import { meRoutes } from './routes/me';
import { workorderActionRoutes } from './routes/workorders-actions';
import { workorderCreateRoutes } from './routes/workorders-create';
import { workorderReadRoutes } from './routes/workorders-read';
import { isUnavailable } from './temporal';
import { throttle } from './throttle';

const JSON_LIMIT = '1mb';
const REQUEST_ID = /^[A-Za-z0-9._-]{1,128}$/;

function requestId(req: Request, res: Response, next: NextFunction) {
  const given = req.headers['x-request-id'];
  req.requestId = typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
  res.setHeader('X-Request-Id', req.requestId);
  next();
}

/** One JSON line per request; the path is logged without its query, which may hold a link signature. */
function accessLog(logLevel: string) {
  return (req: Request, res: Response, next: NextFunction) => {
    const started = process.hrtime.bigint();
    res.on('finish', () => {
      if (logLevel === 'silent' || logLevel === 'error' || logLevel === 'warn') return;
      const line = {
        level: 'info',
        time: new Date().toISOString(),
        msg: 'request',
        request_id: req.requestId,
        method: req.method,
        path: req.path,
        status: res.statusCode,
        duration_ms: Number(process.hrtime.bigint() - started) / 1e6,
        company_id: req.auth?.company.id ?? null,
      };
      process.stdout.write(`${JSON.stringify(line)}\n`);
    });
    next();
  };
}

/** JSON bodies only (415 otherwise); a body-less POST counts as `{}`. */
function jsonBody() {
  const parse = express.json({ limit: JSON_LIMIT, strict: false });
  return (req: Request, res: Response, next: NextFunction) => {
    if (!['POST', 'PUT', 'PATCH', 'DELETE'].includes(req.method)) return next();
    const length = Number(req.headers['content-length'] ?? 0);
    if (!(length > 0) && req.headers['transfer-encoding'] === undefined) {
      req.body = {};
      return next();
    }
    const type = req.headers['content-type'] ?? '';
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
  return undefined;
}

function isDatabaseBusy(err: unknown): boolean {
  const code = (err as { code?: string }).code ?? '';
  return code === 'SQLITE_BUSY' || code === 'SQLITE_LOCKED' || code === 'ECONNREFUSED' || code === '57P01';
}

export function createApp(deps: ApiDeps) {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.set('query parser', 'simple');
  app.use(requestId);
  app.use(accessLog(deps.config.logLevel));

  const api = express.Router();
  api.use(jsonBody());
  api.use(async (req: Request, _res: Response, next: NextFunction) => {
    if (req.headers.authorization !== undefined)
      req.auth = await authenticate(deps.repos, req.headers.authorization);
    next();
  });
  api.use(throttle(deps.config.throttlePerMinute));
  api.use(meRoutes(deps));
  api.use(workorderCreateRoutes(deps));
  api.use(workorderActionRoutes(deps));
  api.use(workorderReadRoutes(deps));
  app.use('/api/v2', api);

  app.use(() => {
    throw notFound();
  });

  app.use((err: unknown, req: Request, res: Response, _next: NextFunction) => {
    const known =
      err instanceof ApiError
        ? err
        : (bodyErrors(err) ?? (isUnavailable(err) || isDatabaseBusy(err) ? unavailable() : undefined));
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
    console.error(
      JSON.stringify({
        level: 'error',
        time: new Date().toISOString(),
        msg: 'unhandled error',
        request_id: req.requestId,
        path: req.path,
        error: err instanceof Error ? err.stack : String(err),
      }),
    );
    res.status(500).json({ detail: 'Internal server error.', request_id: req.requestId });
  });
  return app;
}
