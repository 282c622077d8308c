import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import { batchRows, SERIALS_CSV_HEADER, serialsCsvLine } from '../../codes/rows';
import { snapshotFromRow } from '../../store/workorders';
import type { WorkorderRow } from '../../store/schema';
import {
  batchBounds,
  batchCount,
  Codegen,
  WORKORDER_STATES,
  type WorkorderState,
} from '../../shared/workorder';
import { authorized } from '../auth';
import type { ApiDeps } from '../context';
import { ApiError, invalidState, notFound } from '../errors';
import { orderingQuery, pageOf, paginated, paginationQuery } from '../pagination';
import { boolean, parseQuery, text } from '../validation';
import { currentSnapshot, renderWorkorder, renderWorkorders } from '../workorder-view';
import { workorderInput } from '../../workorders/workflow-input';
import { methodNotAllowed, pathId, viewerOf } from './common';

export const workorderListQuery = z.object({
  ...paginationQuery,
  is_archived: boolean().optional(),
  search: text({ max: 255, allowBlank: true }).optional(),
  state: z.enum(WORKORDER_STATES as [string, ...string[]], { error: 'Select a valid choice.' }).optional(),
  ordering: orderingQuery,
});

function assertGenerated(row: WorkorderRow): void {
  if (row.state === 'canceled') throw invalidState('The workorder is canceled; its codes are void.');
  if (row.codegen_status !== Codegen.completed || !row.zip_key) {
    throw invalidState('The codes of this workorder are not generated yet.');
  }
}

export function workorderReadRoutes(deps: ApiDeps): Router {
  const router = Router();

  router
    .route('/workorders/')
    .get(async (req, res) => {
      const auth = authorized(req, 'workorder_view');
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
        rows.map((row) => ({ row, snapshot: snapshotFromRow(row) })),
      );
      res.json(paginated(req, deps.config.publicUrl, page, count, results));
    })
    .all(methodNotAllowed);

  router
    .route('/workorders/:id/')
    .get(async (req, res) => {
      const auth = authorized(req, 'workorder_view');
      const row = await deps.repos.workorders.byIdFor(viewerOf(auth), pathId(req));
      if (!row) throw notFound();
      res.json(await renderWorkorder(deps, row, await currentSnapshot(deps, row)));
    })
    .all(methodNotAllowed);

  /** The zip: with a token, or with the signed `codegen_file` link alone. */
  const download = async (req: Request, res: Response) => {
    const id = pathId(req);
    const { expires, signature } = req.query;
    let row: WorkorderRow | undefined;
    if (!req.auth && (expires !== undefined || signature !== undefined)) {
      if (
        typeof expires !== 'string' ||
        typeof signature !== 'string' ||
        !deps.links.verify(id, expires, signature)
      ) {
        throw new ApiError(403, { detail: 'Invalid or expired download link.' });
      }
      row = await deps.repos.workorders.byId(id);
    } else {
      const auth = authorized(req, 'workorder_download');
      row = await deps.repos.workorders.byIdFor(viewerOf(auth), id);
    }
    if (!row) throw notFound();
    assertGenerated(row);
    const etag = `"${row.zip_sha256}"`;
    const ifNoneMatch = req.headers['if-none-match'];
    if (ifNoneMatch && ifNoneMatch.split(',').some((t) => t.trim().replace(/^W\//, '') === etag)) {
      res.setHeader('ETag', etag);
      res.status(304).end();
      return;
    }
    const file = deps.artifacts.pathOf(row.zip_key as string);
    await new Promise<void>((resolve, reject) => {
      res.sendFile(
        file,
        {
          etag: false,
          lastModified: false,
          headers: {
            ETag: etag,
            'Content-Type': 'application/zip',
            'Content-Disposition': `attachment; filename="workorder-${row.id}.zip"`,
            'Cache-Control': 'private, no-cache',
          },
        },
        (err) => (err && !res.headersSent ? reject(new ApiError(404, { detail: 'Not found.' })) : resolve()),
      );
    });
  };
  router.route('/workorders/:id/download/').get(download).all(methodNotAllowed);

  router
    .route('/workorders/:id/serial-numbers/')
    .get(async (req, res) => {
      const auth = authorized(req, 'workorder_download');
      const row = await deps.repos.workorders.byIdFor(viewerOf(auth), pathId(req));
      if (!row) throw notFound();
      assertGenerated(row);
      const company = await deps.repos.companies.byId(row.company_id);
      if (!company) throw notFound();
      const code = workorderInput(row, company, deps.config).code;
      res.setHeader('Content-Type', 'text/csv; charset=utf-8');
      res.setHeader('Content-Disposition', `attachment; filename="workorder-${row.id}-serial-numbers.csv"`);
      res.write(`${SERIALS_CSV_HEADER}\n`);
      // Recomputed from the workorder's code settings, a batch at a time: no file, bounded memory.
      for (let n = 1; n <= batchCount(row.quantity); n++) {
        const { firstSequence, count } = batchBounds(row.quantity, n);
        const chunk = batchRows(deps.permutation, code, n, firstSequence, count).map(serialsCsvLine).join('');
        if (!res.write(chunk)) await new Promise((resolve) => res.once('drain', resolve));
        if (res.destroyed) return;
      }
      res.end();
    })
    .all(methodNotAllowed);

  return router;
}
