import type { ApiDeps } from '../context';
import { z } from 'zod';
import type { RouteSpec } from '../route';
import { named } from '../schemas';

const healthSchema = named('Health', z.object({ status: z.literal('ok') }));
const readinessSchema = named(
  'Readiness',
  z.object({ database: z.boolean(), temporal: z.boolean() }),
  'Whether each dependency answered within its deadline.',
);

/** Ready means both the database and Temporal answer, each within a short deadline. */
async function readiness(deps: ApiDeps): Promise<z.infer<typeof readinessSchema>> {
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
    responses: { 200: { description: 'Up.', schema: healthSchema } },
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
    responses: {
      200: { description: 'Ready.', schema: readinessSchema },
      503: { description: 'Not ready.', schema: readinessSchema },
    },
    async handle({ res, deps }) {
      const checks = await readiness(deps);
      res.status(checks.database && checks.temporal ? 200 : 503).json(checks);
    },
  },
];
