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

/**
 * Probes for the platform (docs/operations.md); other methods get the 404 of unknown paths. The
 * metrics are on a listener of their own (metrics-listener.ts), not on the public port.
 */
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
];
