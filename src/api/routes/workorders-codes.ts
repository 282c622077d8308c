import { batchRows, SERIALS_CSV_HEADER, serialsCsvLine } from '../../codes/rows';
import type { WorkorderRow } from '../../store/schema';
import { batchBounds, batchCount, Codegen } from '../../shared/workorder';
import { workorderInput } from '../../workorders/workflow-input';
import { viewerOf } from '../auth';
import { invalidState, notFound } from '../errors';
import { OBJECT_ERRORS, pathId, type RouteSpec } from '../route';
import { sendStoredFile } from '../stored-file';
import { visibleWorkorder } from './workorder-access';

const NOT_GENERATED = 'Not generated yet, or canceled.';

function assertGenerated(row: WorkorderRow): void {
  if (row.state === 'canceled') throw invalidState('The workorder is canceled; its codes are void.');
  if (row.codegen_status !== Codegen.completed || !row.zip_key) {
    throw invalidState('The codes of this workorder are not generated yet.');
  }
}

/** A workorder's codes: its zip (docs/product.md, The download) and its serial numbers. */
export const workorderCodesRoutes: RouteSpec[] = [
  {
    method: 'get',
    path: '/api/v2/workorders/:id/download/',
    summary: 'The codes zip (token or signed codegen_file link)',
    tag: 'Workorders',
    auth: 'link',
    permission: 'workorder_download',
    produces: 'application/zip',
    responses: {
      200: 'The zip (Range, HEAD, ETag).',
      206: 'A range of it.',
      304: 'Not modified.',
      409: NOT_GENERATED,
      ...OBJECT_ERRORS,
    },
    async handle({ req, res, auth, deps }) {
      const id = pathId(req);
      const row = auth
        ? await deps.repos.workorders.byIdFor(viewerOf(auth), id)
        : await deps.repos.workorders.byId(id);
      if (!row) throw notFound();
      assertGenerated(row);
      const etag = `"${row.zip_sha256}"`;
      const ifNoneMatch = req.headers['if-none-match'];
      if (ifNoneMatch && ifNoneMatch.split(',').some((t) => t.trim().replace(/^W\//, '') === etag)) {
        res.setHeader('ETag', etag);
        res.status(304).end();
        return;
      }
      await sendStoredFile(res, deps.artifacts.pathOf(row.zip_key as string), {
        ETag: etag,
        'Content-Type': 'application/zip',
        'Content-Disposition': `attachment; filename="workorder-${row.id}.zip"`,
        'Cache-Control': 'private, no-cache',
      });
    },
  },
  {
    method: 'get',
    path: '/api/v2/workorders/:id/serial-numbers/',
    summary: 'CSV serial_number,extended_id',
    tag: 'Workorders',
    auth: 'token',
    permission: 'workorder_download',
    produces: 'text/csv',
    responses: { 200: 'The CSV.', 409: NOT_GENERATED, ...OBJECT_ERRORS },
    async handle({ req, res, auth, deps }) {
      const row = await visibleWorkorder(deps, auth, req);
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
    },
  },
];
