import { ActivityFailure, CancellationScope, isCancellation, log, patched } from '@temporalio/workflow';
import { generateMissingBatches } from './batch-scheduling';
import type { WorkflowOptions } from './workorder';
import type { Workorder } from './workorder-state';

/**
 * Generates the codes and their zip, in a cancellation scope a cancel stops. 'done' whatever
 * became of it (generated, canceled or failed: the state says); 'history full' when the next run
 * must go on (continue-as-new).
 */
/** Patch: once the zip is assembled, its batch parts are deleted (runs before it keep theirs). */
export const REMOVE_BATCH_PARTS = 'remove-batch-parts';

export async function generateCodes(
  workorder: Workorder,
  options: WorkflowOptions,
): Promise<'done' | 'history full'> {
  const { input } = workorder;
  const generation = new CancellationScope();
  workorder.generation = generation;
  let generated = false;
  try {
    const batches = await generation.run(() => generateMissingBatches(workorder, options));
    if (batches === 'history full') return 'history full';
    const zip = await generation.run(() =>
      workorder.activities.codegen.assembleZip.executeWithOptions({ summary: 'assemble zip' }, [
        {
          workorderId: input.workorderId,
          code: input.code,
          printer: workorder.snapshot.printer,
          batches: workorder.batchesInOrder(),
        },
      ]),
    );
    // A cancel accepted while the zip's result was on its way wins: the zip is removed, not served.
    if (workorder.snapshot.state !== 'canceled') {
      await workorder.codesGenerated(zip);
      generated = true;
    }
  } catch (err) {
    if (isCancellation(err) && workorder.snapshot.state === 'canceled') return 'done';
    if (!(err instanceof ActivityFailure)) throw err;
    await workorder.generationFailed(err.cause?.message ?? err.message);
  } finally {
    workorder.generation = undefined;
  }
  if (generated && patched(REMOVE_BATCH_PARTS)) await removeBatchParts(workorder);
  return 'done';
}

/**
 * The zip holds every code now: the batch parts it was assembled from go (docs/operations.md,
 * Retention). A failure leaves them for the retention sweep and never fails the workorder; a cancel
 * meanwhile removes them anyway (removeArtifacts).
 */
async function removeBatchParts(workorder: Workorder): Promise<void> {
  const { workorderId } = workorder.input;
  try {
    await CancellationScope.nonCancellable(() =>
      workorder.activities.codegen.removeBatchParts.executeWithOptions({ summary: 'remove batch parts' }, [
        { workorderId },
      ]),
    );
  } catch (err) {
    if (!(err instanceof ActivityFailure)) throw err;
    log.warn('Batch parts not removed; the retention sweep will', { ...workorder.logAttrs, err });
  }
}
