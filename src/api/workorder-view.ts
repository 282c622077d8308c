import type { WorkorderRow } from '../store/schema';
import { snapshotFromRow } from '../store/workorders';
import type { WorkorderSnapshot } from '../shared/workorder';
import type { ApiDeps } from './context';
import { workorderJson } from './serialize';

/** Live snapshot from the workflow's query; the database row when the workflow is closed or silent. */
export async function currentSnapshot(deps: ApiDeps, row: WorkorderRow): Promise<WorkorderSnapshot> {
  if (row.is_archived === 1 || row.workflow_started === 0) return snapshotFromRow(row);
  const live = await deps.gateway.snapshot(row.workflow_id);
  const stored = snapshotFromRow(row);
  return live && live.revision >= stored.revision ? live : stored;
}

export async function renderWorkorders(
  deps: ApiDeps,
  items: Array<{ row: WorkorderRow; snapshot: WorkorderSnapshot }>,
) {
  const ids = new Set<number>();
  for (const { row } of items) {
    ids.add(row.company_id);
    if (row.printing_partner_id) ids.add(row.printing_partner_id);
  }
  const companies = await deps.repos.companies.byIds([...ids]);
  return items.map(({ row, snapshot }) => workorderJson(row, snapshot, companies, deps.links));
}

export async function renderWorkorder(deps: ApiDeps, row: WorkorderRow, snapshot: WorkorderSnapshot) {
  const [json] = await renderWorkorders(deps, [{ row, snapshot }]);
  return json;
}
