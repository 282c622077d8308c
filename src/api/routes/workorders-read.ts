import { z } from 'zod';
import { snapshotFromRow } from '../../store/workorders';
import { WORKORDER_STATES, type WorkorderState } from '../../shared/workorder';
import { viewerOf } from '../auth';
import { orderingQuery, pageOf, paginated, paginationQuery } from '../pagination';
import { AUTH_ERRORS, OBJECT_ERRORS, type RouteSpec } from '../route';
import { pageSchema, workorderSchema } from '../schemas';
import { boolean, parseQuery, text } from '../validation';
import { currentSnapshot, renderWorkorder, renderWorkorders } from '../workorder-view';
import { visibleWorkorder } from './workorder-access';

const workorderListQuery = z.object({
  ...paginationQuery,
  is_archived: boolean().optional(),
  search: text({ max: 255, allowBlank: true }).optional(),
  state: z.enum(WORKORDER_STATES as [string, ...string[]], { error: 'Select a valid choice.' }).optional(),
  ordering: orderingQuery,
});

const workorderPage = pageSchema('WorkorderPage', workorderSchema);

/** Lists come from the database; one workorder is read live from its workflow when it can answer. */
export const workorderReadRoutes: RouteSpec[] = [
  {
    method: 'get',
    path: '/api/v2/workorders/',
    summary: 'List workorders (newest first)',
    tag: 'Workorders',
    auth: 'token',
    permission: 'workorder_view',
    query: workorderListQuery,
    responses: {
      200: { description: 'A page of workorders.', schema: workorderPage },
      400: 'Bad query.',
      ...AUTH_ERRORS,
    },
    async handle({ req, res, auth, deps }) {
      const q = parseQuery(workorderListQuery, req.query);
      const page = pageOf(q);
      const { rows, count } = await deps.repos.workorders.list(viewerOf(auth), {
        isArchived: q.is_archived ?? false,
        search: q.search || undefined,
        state: q.state as WorkorderState | undefined,
        ordering: q.ordering ?? '-id',
        ...page,
      });
      const results = await renderWorkorders(
        deps,
        auth,
        rows.map((row) => ({ row, snapshot: snapshotFromRow(row) })),
      );
      res.json(paginated(req, deps.config.publicUrl, page, count, results));
    },
  },
  {
    method: 'get',
    path: '/api/v2/workorders/:id/',
    summary: 'A workorder, live from its workflow',
    tag: 'Workorders',
    auth: 'token',
    permission: 'workorder_view',
    responses: { 200: { description: 'The workorder.', schema: workorderSchema }, ...OBJECT_ERRORS },
    async handle({ req, res, auth, deps }) {
      const row = await visibleWorkorder(deps, auth, req);
      res.json(await renderWorkorder(deps, auth, row, await currentSnapshot(deps, row)));
    },
  },
];
