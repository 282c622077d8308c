import type { NextFunction, Request, Response } from 'express';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { Logger } from './logger';
import type { WorkorderTotal } from './workorder-totals';

/** Seconds; an API request is a few milliseconds, a download of a large zip several seconds. */
const HTTP_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];
const CREATE_PATH = /^\/api\/v2\/workorders\/create-(from-template|sid)\/?$/;

export interface ApiMetrics {
  registry: Registry;
  /** Express middleware: request count and latency by route pattern and status. */
  http(req: Request, res: Response, next: NextFunction): void;
}

export interface ApiMetricsOptions {
  /** Workorder totals read at scrape time (one grouped COUNT); left out, the gauge stays empty. */
  countWorkorders?: () => Promise<WorkorderTotal[]>;
  /** Node.js process metrics (memory, event loop lag, GC); on for the real server. */
  processMetrics?: boolean;
  logger?: Logger;
}

/**
 * The route pattern, never the raw path: ids would make one series per workorder. Routers record
 * where they are mounted (`routeBase`), since Express restores `req.baseUrl` when a router exits.
 */
function routeLabel(req: Request, res: Response): string {
  const route = req.route as { path?: unknown } | undefined;
  if (!route || route.path === undefined) return 'unmatched';
  const base = typeof res.locals.routeBase === 'string' ? res.locals.routeBase : '';
  return `${base}${String(route.path)}`;
}

/** Mounted first in a router: remembers its mount path for the route label. */
export function routeBase(req: Request, res: Response, next: NextFunction): void {
  res.locals.routeBase = req.baseUrl;
  next();
}

export function createApiMetrics(options: ApiMetricsOptions = {}): ApiMetrics {
  const registry = new Registry();
  if (options.processMetrics) collectDefaultMetrics({ register: registry });

  const requests = new Counter({
    name: 'http_requests_total',
    help: 'HTTP requests answered, by method, Express route pattern and status.',
    labelNames: ['method', 'route', 'status'] as const,
    registers: [registry],
  });
  const duration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'Time from request to the last byte of the response, by method, route pattern and status.',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: HTTP_BUCKETS,
    registers: [registry],
  });
  const created = new Counter({
    name: 'workorder_created_total',
    help: 'Workorders created by this API process (201 answers, idempotent replays excluded), by type.',
    labelNames: ['type'] as const,
    registers: [registry],
  });
  const countWorkorders = options.countWorkorders;
  new Gauge({
    name: 'workorder_workorders',
    help: 'Workorders in the database by type, state and codegen status (read at scrape time).',
    labelNames: ['type', 'state', 'codegen'] as const,
    registers: [registry],
    async collect() {
      if (!countWorkorders) return;
      try {
        const totals = await countWorkorders();
        this.reset();
        for (const t of totals) this.set({ type: t.type, state: t.state, codegen: t.codegen }, t.count);
      } catch (err) {
        // A scrape must not fail because the database is briefly busy; the last values stay.
        options.logger?.warn({ err }, 'metrics: could not count workorders');
      }
    },
  });

  return {
    registry,
    http(req, res, next) {
      const started = process.hrtime.bigint();
      // The created workorder's type is only known from the answer the create route sends.
      let createdType: string | undefined;
      if (req.method === 'POST' && CREATE_PATH.test(req.path)) {
        const json = res.json.bind(res);
        res.json = (body: unknown) => {
          const type = (body as { type?: unknown } | null)?.type;
          if (typeof type === 'string') createdType = type;
          return json(body);
        };
      }
      res.on('finish', () => {
        const labels = { method: req.method, route: routeLabel(req, res), status: String(res.statusCode) };
        requests.inc(labels);
        duration.observe(labels, Number(process.hrtime.bigint() - started) / 1e9);
        if (createdType && res.statusCode === 201 && res.getHeader('Idempotent-Replayed') === undefined) {
          created.inc({ type: createdType });
        }
      });
      next();
    },
  };
}
