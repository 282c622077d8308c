import type { Request } from 'express';
import type { WorkorderRow } from '../../store/schema';
import { viewerOf, type Auth } from '../auth';
import type { ApiDeps } from '../context';
import { invalidState, notFound } from '../errors';
import { pathId } from '../route';

/** The path's workorder if the caller sees it; another company's is as absent as a missing one (404). */
export async function visibleWorkorder(deps: ApiDeps, auth: Auth, req: Request): Promise<WorkorderRow> {
  const row = await deps.repos.workorders.byIdFor(viewerOf(auth), pathId(req));
  if (!row) throw notFound();
  return row;
}

/** An archived workorder's workflow has ended; an unstarted one's has not begun (409 either way). */
export function assertChangeable(row: WorkorderRow): void {
  if (row.is_archived === 1) throw invalidState('The workorder is archived and cannot change any more.');
  if (row.workflow_started === 0)
    throw invalidState('The workorder is still being set up; try again shortly.');
}
