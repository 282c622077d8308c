import { ActivityFailure, CancellationScope, isCancellation } from '@temporalio/workflow';
import { generateMissingBatches } from './batch-scheduling';
import type { WorkflowOptions } from './workorder';
import type { Workorder } from './workorder-state';

/**
 * Generates the codes and their zip, in a cancellation scope a cancel stops. 'done' whatever
 * became of it (generated, canceled or failed: the state says); 'history full' when the next run
 * must go on (continue-as-new).
 */
export async function generateCodes(
  workorder: Workorder,
  options: WorkflowOptions,
): Promise<'done' | 'history full'> {
  const { input } = workorder;
  const generation = new CancellationScope();
  workorder.generation = generation;
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
    if (workorder.snapshot.state !== 'canceled') await workorder.codesGenerated(zip);
  } catch (err) {
    if (isCancellation(err) && workorder.snapshot.state === 'canceled') return 'done';
    if (!(err instanceof ActivityFailure)) throw err;
    await workorder.generationFailed(err.cause?.message ?? err.message);
  } finally {
    workorder.generation = undefined;
  }
  return 'done';
}
