import { CancellationScope, log, patched, workflowInfo } from '@temporalio/workflow';
import { batchBounds, batchCount, type BatchRef } from '../shared/workorder';
import type { WorkflowOptions } from './workorder';
import type { Workorder } from './workorder-state';

/** Patches of batch scheduling: runs started before one keep, on replay, the scheduling they had. */
const WIDE_CSV_WINDOW = 'wide-csv-batch-window';
const QUEUED_BATCHES = 'queued-batches';
const CSV_WINDOW_FACTOR = 4;
/** Batches without images per generateBatches activity, and such activities in flight per core. */
const CSV_BATCHES_PER_ACTIVITY = 5;
const GROUPED_WINDOW_FACTOR = 2;
/** Continue as new past this many events, well under Temporal's limits, carrying the state along. */
const HISTORY_EVENTS_BEFORE_CONTINUE = 4000;

/** Which scheduling a run has: the latest patch it was started under (or none). */
export type BatchScheduling = 'per batch' | 'wide CSV window' | 'queued';

/** Asks the patches in the order runs always have, so every recorded history replays. */
function batchScheduling(withImages: boolean): BatchScheduling {
  // Progress recorded behind the batches, not between them, and batches without images
  // (milliseconds of work each) several to an activity, a few activities deep: the codegen
  // worker does not wait on the workflow between them.
  if (patched(QUEUED_BATCHES)) return 'queued';
  // Before that, batches without images ran a window four times as wide.
  if (!withImages && patched(WIDE_CSV_WINDOW)) return 'wide CSV window';
  return 'per batch';
}

export interface BatchPlan {
  /** Generation activities in flight at once. */
  window: number;
  /** 1: a generateBatch activity per batch; more: runs of up to this many to a generateBatches. */
  batchesPerActivity: number;
  /** 'between': each batch waits for its progress record; 'behind': records follow, one at a time. */
  progress: 'between' | 'behind';
}

/** How a run schedules its batches: everything batch scheduling decides, in one pure function. */
export function planBatches(
  scheduling: BatchScheduling,
  withImages: boolean,
  batchWindow: number,
): BatchPlan {
  const progress = scheduling === 'queued' ? 'behind' : 'between';
  if (withImages) return { window: batchWindow, batchesPerActivity: 1, progress };
  if (scheduling === 'queued') {
    return {
      window: batchWindow * GROUPED_WINDOW_FACTOR,
      batchesPerActivity: CSV_BATCHES_PER_ACTIVITY,
      progress,
    };
  }
  const window = scheduling === 'wide CSV window' ? batchWindow * CSV_WINDOW_FACTOR : batchWindow;
  return { window, batchesPerActivity: 1, progress };
}

/** Splits ascending numbers into runs of consecutive numbers, each at most `size` long. */
export function groupConsecutive(numbers: number[], size: number): number[][] {
  const groups: number[][] = [];
  for (const n of numbers) {
    const group = groups[groups.length - 1];
    if (group && group.length < size && group[group.length - 1] === n - 1) group.push(n);
    else groups.push([n]);
  }
  return groups;
}

function historyFull(options: WorkflowOptions): boolean {
  const info = workflowInfo();
  const limit = options.continueAsNewAfterEvents ?? HISTORY_EVENTS_BEFORE_CONTINUE;
  return info.continueAsNewSuggested || info.historyLength > limit;
}

/**
 * Progress recorded behind the batches: one local activity at a time records the latest
 * snapshot, so batches finishing meanwhile share the next record.
 */
class ProgressBehind {
  private recording: Promise<void> | undefined;
  private unrecorded = false;

  constructor(private readonly workorder: Workorder) {}

  request(): void {
    this.unrecorded = true;
    if (this.recording) return;
    this.recording = (async () => {
      while (this.unrecorded) {
        this.unrecorded = false;
        const latest = this.workorder.snapshot;
        try {
          // Not cancelled with the batches: the record is kept whatever happens to them.
          await CancellationScope.nonCancellable(() =>
            this.workorder.activities.local.recordSnapshot(latest),
          );
        } catch (err) {
          // Only progress is late: the next change records a newer revision.
          log.warn('Progress could not be recorded', { ...this.workorder.logAttrs, err });
        }
      }
      this.recording = undefined;
    })();
  }

  /** Waits until the latest progress is in the database. */
  async recorded(): Promise<void> {
    while (this.recording) await this.recording;
  }
}

/**
 * Generates every missing batch, a bounded window of activities at a time. 'history full': this
 * run stopped scheduling for its history's size, and the next run (continue-as-new) goes on.
 */
export async function generateMissingBatches(
  workorder: Workorder,
  options: WorkflowOptions,
): Promise<'all generated' | 'history full'> {
  const { input } = workorder;
  const { codegen } = workorder.activities;
  const total = batchCount(input.quantity);
  const missing: number[] = [];
  for (let n = 1; n <= total; n++) if (!workorder.batches.has(n)) missing.push(n);
  const plan = planBatches(
    batchScheduling(input.code.withImages),
    input.code.withImages,
    options.batchWindow,
  );
  const todo = groupConsecutive(missing, plan.batchesPerActivity);
  const inFlight = new Map<number, Promise<void>>();
  const progressBehind = new ProgressBehind(workorder);
  let stopScheduling = false;

  const generated = async (refs: BatchRef[]) => {
    workorder.batchesGenerated(refs);
    if (plan.progress === 'behind') progressBehind.request();
    else await workorder.record();
  };

  const launch = (group: number[]) => {
    const first = group[0];
    const last = group[group.length - 1];
    const common = { workorderId: input.workorderId, code: input.code, printer: workorder.snapshot.printer };
    const batches = group.map((n) => ({ batchNumber: n, ...batchBounds(input.quantity, n) }));
    const summary = first === last ? `batch ${first} of ${total}` : `batches ${first}–${last} of ${total}`;
    const running = (
      plan.batchesPerActivity > 1
        ? codegen.generateBatches.executeWithOptions({ summary }, [{ ...common, batches }])
        : codegen.generateBatch
            .executeWithOptions({ summary }, [{ ...common, ...batches[0] }])
            .then((ref) => [ref])
    )
      .then(generated)
      .finally(() => inFlight.delete(first));
    inFlight.set(first, running);
  };

  try {
    while (todo.length > 0 || inFlight.size > 0) {
      while (!stopScheduling && todo.length > 0 && inFlight.size < plan.window) {
        launch(todo.shift() as number[]);
      }
      await Promise.race(inFlight.values());
      if (historyFull(options)) stopScheduling = true;
      if (stopScheduling && inFlight.size === 0 && todo.length > 0) return 'history full';
    }
    return 'all generated';
  } catch (err) {
    // One batch failed for good: stop the others before reporting the failure.
    if (inFlight.size > 0) {
      CancellationScope.current().cancel();
      await Promise.allSettled(inFlight.values());
    }
    throw err;
  } finally {
    await progressBehind.recorded();
  }
}
