import type { WorkorderRow } from '../store/schema';
import { snapshotFromRow } from '../store/workorders';
import { Codegen, type WorkorderSnapshot } from '../shared/workorder';
import type { Auth } from './auth';
import type { ApiDeps } from './context';
import { grantedRightsFor, mayDownload } from './download-rights';
import { workorderCatalog, type RenderDeps } from './product-json';
import { workorderJson } from './serialize';

/**
 * Live snapshot from the workflow's query; the database row when the workflow is closed or silent,
 * or when the row is already exact: a completed workorder's snapshot changes only by archiving, and
 * an archive Update returns only after the row records it. That skips a query round trip through
 * the worker on the most-read rows (docs/performance.md).
 */
export async function currentSnapshot(deps: ApiDeps, row: WorkorderRow): Promise<WorkorderSnapshot> {
  if (row.is_archived === 1 || row.workflow_started === 0) return snapshotFromRow(row);
  if (row.state === 'completed' && row.codegen_status === Codegen.completed) return snapshotFromRow(row);
  const live = await deps.gateway.snapshot(row.workflow_id);
  const stored = snapshotFromRow(row);
  return live && live.revision >= stored.revision ? live : stored;
}

/**
 * The workorder objects as `auth` sees them: `codegen_file` is a signed link only for a caller who
 * may download (download-rights.ts), the plain URL (which needs such a token) for the others and
 * for a webhook's body (`auth` null: its receiver holds no token).
 */
export async function renderWorkorders(
  deps: RenderDeps,
  auth: Auth | null,
  items: Array<{ row: WorkorderRow; snapshot: WorkorderSnapshot }>,
) {
  const ids = new Set<number>();
  for (const { row } of items) {
    ids.add(row.company_id);
    if (row.printing_partner_id) ids.add(row.printing_partner_id);
  }
  const companies = await deps.repos.companies.byIds([...ids]);
  const rights = await deps.repos.partnerships.rightsOf(
    items.flatMap(({ row }) => (row.printing_partner_id ? [[row.company_id, row.printing_partner_id]] : [])),
  );
  const catalog = await workorderCatalog(
    deps,
    items.map((i) => i.row),
  );
  const granted = await grantedRightsFor(
    deps,
    items.map((i) => i.row),
  );
  return items.map(({ row, snapshot }) =>
    workorderJson(row, snapshot, companies, rights, catalog, {
      links: deps.links,
      signed: auth !== null && mayDownload(auth, row, granted),
    }),
  );
}

export async function renderWorkorder(
  deps: RenderDeps,
  auth: Auth | null,
  row: WorkorderRow,
  snapshot: WorkorderSnapshot,
) {
  const [json] = await renderWorkorders(deps, auth, [{ row, snapshot }]);
  return json;
}
