import type { ApiDeps } from '../context';
import type { RouteSpec } from '../route';

/** Ready means both the database and Temporal answer, each within a short deadline. */
async function readiness(deps: ApiDeps): Promise<{ database: boolean; temporal: boolean }> {
  const [database, temporal] = await Promise.all([
    deps.repos.companies.byId(0).then(
      () => true,
      () => false,
    ),
    deps.gateway.ping(),
  ]);
  return { database, temporal };
}

/** Probes and metrics for the platform (docs/operations.md); other methods get the 404 of unknown paths. */
export const operationsRoutes: RouteSpec[] = [
  {
    method: 'get',
    path: '/healthz',
    summary: 'The process is up',
    tag: 'Operations',
    auth: 'none',
    otherMethods: 'not found',
    responses: { 200: 'Up.' },
    handle({ res }) {
      res.json({ status: 'ok' });
    },
  },
  {
    method: 'get',
    path: '/readyz',
    summary: 'Database and Temporal reachable',
    tag: 'Operations',
    auth: 'none',
    otherMethods: 'not found',
    responses: { 200: 'Ready.', 503: 'Not ready.' },
    async handle({ res, deps }) {
      const checks = await readiness(deps);
      res.status(checks.database && checks.temporal ? 200 : 503).json(checks);
    },
  },
  {
    method: 'get',
    path: '/metrics',
    summary: 'Prometheus metrics',
    tag: 'Operations',
    auth: 'none',
    otherMethods: 'not found',
    produces: 'text/plain',
    responses: { 200: 'Metrics in Prometheus text format.' },
    async handle({ res, metrics }) {
      res.setHeader('Content-Type', metrics.registry.contentType);
      res.send(await metrics.registry.metrics());
    },
  },
];
