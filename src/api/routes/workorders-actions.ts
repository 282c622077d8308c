import { Router, type Request } from 'express';
import { z } from 'zod';
import type { WorkorderRow } from '../../store/schema';
import { archiveUpdate, cancelUpdate, markPrintedUpdate } from '../../shared/messages';
import type { Actor, WorkorderSnapshot } from '../../shared/workorder';
import { authorized, type Auth } from '../auth';
import type { ApiDeps } from '../context';
import { forbidden, invalidState, notFound } from '../errors';
import type { Permission } from '../../store/tokens';
import { parseBody, text } from '../validation';
import { renderWorkorder } from '../workorder-view';
import { methodNotAllowed, pathId, viewerOf } from './common';

export const cancelBody = z.object({ reason: text({ max: 1000, allowBlank: true }).nullable().optional() });

/** State-changing endpoints answer 200 with the workorder as it is after the change. */
export function workorderActionRoutes(deps: ApiDeps): Router {
  const router = Router();

  const load = async (req: Request, permission: Permission): Promise<{ auth: Auth; row: WorkorderRow }> => {
    const auth = authorized(req, permission);
    const row = await deps.repos.workorders.byIdFor(viewerOf(auth), pathId(req));
    if (!row) throw notFound();
    if (row.is_archived === 1) throw invalidState('The workorder is archived and cannot change any more.');
    if (row.workflow_started === 0)
      throw invalidState('The workorder is still being set up; try again shortly.');
    return { auth, row };
  };
  const answer = async (row: WorkorderRow, snapshot: WorkorderSnapshot) =>
    renderWorkorder(deps, row, snapshot);

  router
    .route('/workorders/:id/cancel/')
    .post(async (req, res) => {
      const { auth, row } = await load(req, 'workorder_cancel');
      const body = parseBody(cancelBody, req.body ?? {});
      const by: Actor = auth.company.company_type === 'brand_owner' ? 'brand' : 'partner';
      const snapshot = await deps.gateway.update(row.workflow_id, cancelUpdate, {
        reason: body.reason ?? '',
        by,
      });
      res.json(await answer(row, snapshot));
    })
    .all(methodNotAllowed);

  router
    .route('/workorders/:id/archive/')
    .post(async (req, res) => {
      const { row } = await load(req, 'workorder_archive');
      const snapshot = await deps.gateway.update(row.workflow_id, archiveUpdate);
      res.json(await answer(row, snapshot));
    })
    .all(methodNotAllowed);

  router
    .route('/workorders/:id/printed/')
    .post(async (req, res) => {
      const { auth, row } = await load(req, 'workorder_edit');
      if (auth.company.id !== row.printing_partner_id) {
        throw forbidden('Only the printing partner can mark a workorder printed.');
      }
      const snapshot = await deps.gateway.update(row.workflow_id, markPrintedUpdate);
      res.json(await answer(row, snapshot));
    })
    .all(methodNotAllowed);

  return router;
}
