/**
 * The batch plan: what each scheduling (the patches a run was started under) and kind of order
 * (with per-code images or CSV only) decide about windows, activities and progress records.
 * Runs recorded under each scheduling must keep it on replay (test/replay).
 */
import { groupConsecutive, planBatches, type BatchScheduling } from '../../../src/workflows/batch-scheduling';

const WINDOW = 3;

test.each<[BatchScheduling, boolean, ReturnType<typeof planBatches>]>([
  // Since queued-batches: CSV-only batches five to an activity, twice the window; records behind.
  ['queued', false, { window: 6, batchesPerActivity: 5, progress: 'behind' }],
  ['queued', true, { window: 3, batchesPerActivity: 1, progress: 'behind' }],
  // Before it, wide-csv-batch-window: CSV-only batches one to an activity, four times the window.
  ['wide CSV window', false, { window: 12, batchesPerActivity: 1, progress: 'between' }],
  ['wide CSV window', true, { window: 3, batchesPerActivity: 1, progress: 'between' }],
  // The first runs: one batch per activity, each waiting for its progress record.
  ['per batch', false, { window: 3, batchesPerActivity: 1, progress: 'between' }],
  ['per batch', true, { window: 3, batchesPerActivity: 1, progress: 'between' }],
])('%s scheduling, with images %s', (scheduling, withImages, plan) => {
  expect(planBatches(scheduling, withImages, WINDOW)).toEqual(plan);
});

test('missing batches are grouped in runs of consecutive numbers, each at most the size', () => {
  expect(groupConsecutive([1, 2, 3, 4, 5, 6, 7], 5)).toEqual([
    [1, 2, 3, 4, 5],
    [6, 7],
  ]);
  // Batches already generated (carried over continue-as-new) break the runs.
  expect(groupConsecutive([2, 3, 5, 6, 7, 9], 5)).toEqual([[2, 3], [5, 6, 7], [9]]);
  expect(groupConsecutive([4, 5, 6], 1)).toEqual([[4], [5], [6]]);
  expect(groupConsecutive([], 5)).toEqual([]);
});
