import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import { snapshotFromRow } from '../../store/workorders';
import type { WorkorderRow } from '../../store/schema';
import { Codegen, WORKORDER_STATES, type WorkorderState } from '../../shared/workorder';
import { sendArtifact } from '../artifact-download';
import { authorized } from '../auth';
import type { ApiDeps } from '../context';
import { ApiError, invalidState, notFound } from '../errors';
import { pageOf, paginated, paginationQuery } from '../pagination';
import { serialNumbersArtifact } from '../serial-numbers';
import { boolean, parseQuery, text } from '../validation';
import { currentSnapshot, renderWorkorder, renderWorkorders } from '../workorder-view';
import { methodNotAllowed, pathId, viewerOf } from './common';

export const workorderListQuery = z.object({
  ...paginationQuery,
  is_archived: boolean().optional(),
  search: text({ max: 255, allowBlank: true }).optional(),
  state: z.enum(WORKORDER_STATES as [string, ...string[]], { error: 'Select a valid choice.' }).optional(),
  ordering: z
    .enum(['id', '-id', 'creation_date', '-creation_date'], { error: 'Select a valid choice.' })
    .optional(),
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
    const fileName = `workorder-${row.id}.zip`;
    await sendArtifact(req, res, deps.artifacts, {
      key: row.zip_key as string,
      size: row.zip_size ?? undefined,
      etag: `"${row.zip_sha256}"`,
      headers: {
        'Content-Type': 'application/zip',
        'Content-Disposition': `attachment; filename="${fileName}"`,
        'Cache-Control': 'private, no-cache',
      },
      redirect: { fileName, contentType: 'application/zip' },
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
      await sendArtifact(req, res, deps.artifacts, {
        key: await serialNumbersArtifact(deps, row),
        headers: {
          'Content-Type': 'text/csv; charset=utf-8',
          'Content-Disposition': `attachment; filename="workorder-${row.id}-serial-numbers.csv"`,
        },
      });
    })
    .all(methodNotAllowed);

  return router;
}
