import type { WorkorderRow } from '../store/schema';
import { paintStatuses, type ActivationStatus, type StatusRange } from './status-ranges';

/** What a workorder's code statuses depend on besides its brand's changes. */
export type ActivationFacts = Pick<WorkorderRow, 'type' | 'state' | 'activate_on_complete' | 'quantity'>;

/**
 * The status every code of a workorder has before its brand changes any (docs/product.md, Code
 * status): a canceled workorder's codes are void; activate_on_complete activates SID codes on
 * completion and SSC codes once printed.
 */
export function workorderStatus(row: ActivationFacts): ActivationStatus {
  if (row.state === 'canceled') return 2;
  if (row.activate_on_complete !== 1) return 0;
  if (row.state === 'completed') return 1;
  return row.type === 'SSC' && row.state === 'printed' ? 1 : 0;
}

/** Every code status of a workorder as ranges: its own status, then its brand's changes unless canceled. */
export function workorderStatuses(row: ActivationFacts, changes: readonly StatusRange[]): StatusRange[] {
  const base = workorderStatus(row);
  return paintStatuses(row.quantity, base, row.state === 'canceled' ? [] : changes);
}
