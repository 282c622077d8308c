import type { WorkorderRow } from '../store/schema';
import { pairKey, type PartnerRight } from '../store/partnerships';
import type { Auth } from './auth';
import type { ApiDeps } from './context';
import { forbidden } from './errors';

/** What each brand granted its partners, for the workorders' pairs (store/partnerships.ts grantedRights). */
export type GrantedRights = Map<string, PartnerRight[]>;

function partnerPair(row: WorkorderRow): [number, number] | undefined {
  return row.printing_partner_id ? [row.company_id, row.printing_partner_id] : undefined;
}

export async function grantedRightsFor(
  deps: Pick<ApiDeps, 'repos'>,
  rows: WorkorderRow[],
): Promise<GrantedRights> {
  return deps.repos.partnerships.grantedRights(
    rows.flatMap((row) => {
      const pair = partnerPair(row);
      return pair ? [pair] : [];
    }),
  );
}

/**
 * Whether the caller may download the workorder's codes: its token holds `workorder_download`, and a
 * printing partner's partnership with the brand granted `download` (a pair with no partnership
 * recorded, from before partnerships, follows the token alone).
 */
export function mayDownload(auth: Auth, row: WorkorderRow, granted: GrantedRights): boolean {
  if (!auth.permissions.includes('workorder_download')) return false;
  if (auth.company.id === row.company_id) return true;
  const pair = partnerPair(row);
  const rights = pair ? granted.get(pairKey(...pair)) : undefined;
  return rights === undefined || rights.includes('download');
}

/** 403 unless mayDownload (the route has already checked the token's permission). */
export async function assertMayDownload(deps: ApiDeps, auth: Auth, row: WorkorderRow): Promise<void> {
  if (!mayDownload(auth, row, await grantedRightsFor(deps, [row]))) throw forbidden();
}
