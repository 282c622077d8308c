import { z } from 'zod';
import { archiveUpdate, cancelUpdate } from '../../shared/messages';
import type { Actor } from '../../shared/workorder';
import { CHANGE_ERRORS, type RouteSpec } from '../route';
import { workorderSchema } from '../schemas';
import { parseBody, text } from '../validation';
import { renderWorkorder } from '../workorder-view';
import { assertChangeable, visibleWorkorder } from './workorder-access';

const cancelBody = z.object({
  reason: text({ max: 1000, allowBlank: true, multiline: true }).nullable().optional(),
});

/** What a brand or its partner may do to a workorder; each answers the workorder after the change. */
export const workorderActionRoutes: RouteSpec[] = [
  {
    method: 'post',
    path: '/api/v2/workorders/:id/cancel/',
    summary: 'Cancel (new or ready to print)',
    tag: 'Workorders',
    auth: 'token',
    permission: 'workorder_cancel',
    body: cancelBody,
    responses: {
      200: { description: 'Canceled.', schema: workorderSchema },
      400: 'Invalid reason.',
      ...CHANGE_ERRORS,
    },
    async handle({ req, res, auth, deps }) {
      const row = await visibleWorkorder(deps, auth, req);
      assertChangeable(row);
      const body = parseBody(cancelBody, req.body ?? {});
      const by: Actor = auth.company.company_type === 'brand_owner' ? 'brand' : 'partner';
      const snapshot = await deps.gateway.update(row.workflow_id, cancelUpdate, {
        reason: body.reason ?? '',
        by,
      });
      res.json(await renderWorkorder(deps, auth, row, snapshot));
    },
  },
  {
    method: 'post',
    path: '/api/v2/workorders/:id/archive/',
    summary: 'Archive (completed or canceled)',
    tag: 'Workorders',
    auth: 'token',
    permission: 'workorder_archive',
    responses: {
      200: { description: 'Archived; the workflow closes.', schema: workorderSchema },
      ...CHANGE_ERRORS,
    },
    async handle({ req, res, auth, deps }) {
      const row = await visibleWorkorder(deps, auth, req);
      assertChangeable(row);
      const snapshot = await deps.gateway.update(row.workflow_id, archiveUpdate);
      res.json(await renderWorkorder(deps, auth, row, snapshot));
    },
  },
];
