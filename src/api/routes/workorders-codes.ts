import type { WorkorderRow } from '../../store/schema';
import { snapshotFromRow } from '../../store/workorders';
import type { Response } from 'express';
import { Codegen, type ArtifactRef, type PrinterConfirmation } from '../../shared/workorder';
import { workorderInput } from '../../workorders/workflow-input';
import { sendArtifact } from '../artifact-download';
import { viewerOf } from '../auth';
import type { ApiDeps } from '../context';
import { assertMayDownload } from '../download-rights';
import { invalidState, notFound } from '../errors';
import { OBJECT_ERRORS, pathId, type RouteSpec } from '../route';
import { errorSchema, type ErrorJson } from '../schemas';
import { serialNumbersArtifact } from '../serial-numbers';
import { currentSnapshot } from '../workorder-view';
import { visibleWorkorder } from './workorder-access';

const NOT_GENERATED = 'Not generated yet, or canceled.';

/**
 * The workorder's zip, once its codes are generated. The database record follows the workflow by a
 * local activity, so a workorder the live view already shows generated is asked its workflow too.
 */
async function generatedZip(deps: ApiDeps, row: WorkorderRow): Promise<ArtifactRef> {
  const s =
    row.codegen_status === Codegen.completed || row.state === 'canceled'
      ? snapshotFromRow(row)
      : await currentSnapshot(deps, row);
  if (s.state === 'canceled') throw invalidState('The workorder is canceled; its codes are void.');
  if (s.codegenStatus !== Codegen.completed || !s.zip) {
    throw invalidState('The codes of this workorder are not generated yet.');
  }
  return s.zip;
}

/** Seconds a client waits before asking again for a zip being rebuilt. */
const REBUILD_RETRY_AFTER_S = 5;

/**
 * An archived workorder's zip removed by retention: a rebuild is started (or joined) and the client
 * is told to come back (docs/operations.md, Retention). 202 rather than waiting: a rebuild of a
 * large order takes minutes, longer than clients and proxies keep a request open.
 */
async function rebuilding(deps: ApiDeps, res: Response, row: WorkorderRow): Promise<void> {
  const company = await deps.repos.companies.byId(row.company_id);
  if (!company) throw notFound();
  await deps.gateway.rebuildZip(
    {
      workorderId: row.id,
      quantity: row.quantity,
      code: workorderInput(row, company, deps.config).code,
      printer: row.printer_json ? (JSON.parse(row.printer_json) as PrinterConfirmation) : null,
    },
    row.company_id,
  );
  res
    .status(202)
    .set({ 'Retry-After': String(REBUILD_RETRY_AFTER_S), 'Cache-Control': 'no-store' })
    .json({
      detail: `The zip was removed after the retention period and is being rebuilt. Retry in ${REBUILD_RETRY_AFTER_S} seconds.`,
      code: 'rebuilding',
    } satisfies ErrorJson);
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
      202: {
        description:
          'The zip was removed after ARTIFACT_RETENTION and is being rebuilt, byte-identical: retry after Retry-After seconds.',
        schema: errorSchema,
      },
      206: 'A range of it.',
      302: 'Redirected to a presigned URL of the artifact store (when configured).',
      304: 'Not modified.',
      416: 'The range lies past the end.',
      409: NOT_GENERATED,
      ...OBJECT_ERRORS,
    },
    async handle({ req, res, auth, deps }) {
      const id = pathId(req);
      const row = auth
        ? await deps.repos.workorders.byIdFor(viewerOf(auth), id)
        : await deps.repos.workorders.byId(id);
      if (!row) throw notFound();
      if (auth) await assertMayDownload(deps, auth, row);
      const zip = await generatedZip(deps, row);
      if (row.zip_removed_at !== null) return rebuilding(deps, res, row);
      const fileName = `workorder-${row.id}.zip`;
      await sendArtifact(req, res, deps.artifacts, {
        key: zip.key,
        size: zip.size,
        etag: `"${zip.sha256}"`,
        headers: {
          'Content-Type': 'application/zip',
          'Content-Disposition': `attachment; filename="${fileName}"`,
          'Cache-Control': 'private, no-cache',
        },
        redirect: { fileName, contentType: 'application/zip' },
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
    responses: {
      200: 'The CSV (Range, HEAD, ETag).',
      206: 'A range of it.',
      416: 'The range lies past the end.',
      409: NOT_GENERATED,
      ...OBJECT_ERRORS,
    },
    async handle({ req, res, auth, deps }) {
      const row = await visibleWorkorder(deps, auth, req);
      await assertMayDownload(deps, auth, row);
      await generatedZip(deps, row);
      await sendArtifact(req, res, deps.artifacts, {
        key: await serialNumbersArtifact(deps, row),
        headers: {
          'Content-Type': 'text/csv; charset=utf-8',
          'Content-Disposition': `attachment; filename="workorder-${row.id}-serial-numbers.csv"`,
        },
      });
    },
  },
];
