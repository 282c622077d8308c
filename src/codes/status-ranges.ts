/**
 * A workorder's code statuses as ranges, never per code (docs/product.md, Code status): every code
 * starts at the workorder's own status, then each recorded change paints its sequence range, the
 * latest change winning where ranges overlap.
 */

/** 0 inactive, 1 active, 2 blacklisted. */
export type ActivationStatus = 0 | 1 | 2;
export const ACTIVATION_STATUSES: readonly ActivationStatus[] = [0, 1, 2];

/** Sequence numbers `first` to `last` (both included, 1-based) set to `status`. */
export interface StatusRange {
  first: number;
  last: number;
  status: ActivationStatus;
}

/**
 * The statuses of sequences 1..quantity as disjoint ranges in sequence order, covering them all:
 * `base` painted over by `changes` in the order given (oldest first).
 */
export function paintStatuses(
  quantity: number,
  base: ActivationStatus,
  changes: readonly StatusRange[],
): StatusRange[] {
  let ranges: StatusRange[] = quantity > 0 ? [{ first: 1, last: quantity, status: base }] : [];
  for (const change of changes) {
    const first = Math.max(1, change.first);
    const last = Math.min(quantity, change.last);
    if (first > last) continue;
    const start = firstRangeEndingAtOrAfter(ranges, first);
    let end = start;
    while (end < ranges.length && ranges[end].first <= last) end++;
    const replaced: StatusRange[] = [];
    const head = ranges[start];
    if (head && head.first < first) replaced.push({ ...head, last: first - 1 });
    replaced.push({ first, last, status: change.status });
    const tail = ranges[end - 1];
    if (tail && end > start && tail.last > last) replaced.push({ ...tail, first: last + 1 });
    ranges = [...ranges.slice(0, start), ...replaced, ...ranges.slice(end)];
  }
  return mergeNeighbours(ranges);
}

/** The status of one sequence number; undefined outside the painted ranges. */
export function statusAt(ranges: readonly StatusRange[], sequence: number): ActivationStatus | undefined {
  const range = ranges[firstRangeEndingAtOrAfter(ranges, sequence)];
  return range && range.first <= sequence ? range.status : undefined;
}

/** How many codes have each status. */
export function countByStatus(ranges: readonly StatusRange[]): Record<ActivationStatus, number> {
  const counts: Record<ActivationStatus, number> = { 0: 0, 1: 0, 2: 0 };
  for (const range of ranges) counts[range.status] += range.last - range.first + 1;
  return counts;
}

/** How many codes of first..last a change to `status` would change: those with another status now. */
export function countChanged(ranges: readonly StatusRange[], change: StatusRange): number {
  let changed = 0;
  for (let i = firstRangeEndingAtOrAfter(ranges, change.first); i < ranges.length; i++) {
    const range = ranges[i];
    if (range.first > change.last) break;
    if (range.status === change.status) continue;
    changed += Math.min(range.last, change.last) - Math.max(range.first, change.first) + 1;
  }
  return changed;
}

/** Sorted, distinct sequence numbers as the fewest ranges of consecutive ones, all set to `status`. */
export function rangesOfSequences(sequences: readonly number[], status: ActivationStatus): StatusRange[] {
  const sorted = [...new Set(sequences)].sort((a, b) => a - b);
  const ranges: StatusRange[] = [];
  for (const sequence of sorted) {
    const previous = ranges[ranges.length - 1];
    if (previous && previous.last + 1 === sequence) previous.last = sequence;
    else ranges.push({ first: sequence, last: sequence, status });
  }
  return ranges;
}

/** Binary search: the index of the first range whose last sequence is at or after `sequence`. */
function firstRangeEndingAtOrAfter(ranges: readonly StatusRange[], sequence: number): number {
  let low = 0;
  let high = ranges.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (ranges[middle].last < sequence) low = middle + 1;
    else high = middle;
  }
  return low;
}

function mergeNeighbours(ranges: StatusRange[]): StatusRange[] {
  const merged: StatusRange[] = [];
  for (const range of ranges) {
    const previous = merged[merged.length - 1];
    if (previous && previous.status === range.status && previous.last + 1 === range.first) {
      previous.last = range.last;
    } else merged.push({ ...range });
  }
  return merged;
}
