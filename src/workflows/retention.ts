import { proxyActivities, proxyLocalActivities } from '@temporalio/workflow';
import type { CodegenActivities, OrchestrationActivities, RetentionSweepResult } from '../activities/types';
import type { ZipRebuildInput } from '../shared/retention';
import { batchBounds, batchCount, type BatchRef } from '../shared/workorder';

const orchestration = proxyActivities<OrchestrationActivities>({
  startToCloseTimeout: '10 minutes',
  retry: { initialInterval: '5 seconds', backoffCoefficient: 2, maximumAttempts: 5 },
});

/**
 * One pass of retention (docs/operations.md, Retention): expired idempotency keys, ended throttle
 * windows, and the zips of long-archived workorders. Started by its Temporal Schedule, which
 * operators see, trigger and pause in the Web UI.
 */
export async function retentionSweepWorkflow(): Promise<RetentionSweepResult> {
  return orchestration.sweepRetention();
}

/**
 * Makes a removed zip again: the batches are generated anew (the generation is deterministic), the
 * zip is assembled from them, its SHA-256 checked against the one the workorder had, and the parts
 * removed. The API starts it on a download of a removed zip (id zipRebuildWorkflowIdFor).
 */
export async function zipRebuildWorkflow(input: ZipRebuildInput): Promise<void> {
  const codegen = proxyActivities<CodegenActivities>({
    taskQueue: input.codegenTaskQueue,
    startToCloseTimeout: '15 minutes',
    heartbeatTimeout: '20 seconds',
    retry: {
      initialInterval: '1 second',
      backoffCoefficient: 2,
      maximumInterval: '1 minute',
      maximumAttempts: 5,
    },
  });
  const local = proxyLocalActivities<OrchestrationActivities>({
    startToCloseTimeout: '15 seconds',
    retry: { initialInterval: '500 milliseconds', maximumInterval: '10 seconds', maximumAttempts: 10 },
  });
  const { workorderId, code, printer } = input;
  const batches: BatchRef[] = [];
  const numbers = Array.from({ length: batchCount(input.quantity) }, (_, i) => i + 1);
  for (let i = 0; i < numbers.length; i += Math.max(1, input.batchWindow)) {
    const window = numbers.slice(i, i + Math.max(1, input.batchWindow));
    batches.push(
      ...(await Promise.all(
        window.map((batchNumber) =>
          codegen.generateBatch({
            workorderId,
            batchNumber,
            ...batchBounds(input.quantity, batchNumber),
            code,
            printer,
          }),
        ),
      )),
    );
  }
  const zip = await codegen.assembleZip({ workorderId, code, printer, batches });
  await codegen.removeBatchParts({ workorderId });
  await local.zipRebuilt({ workorderId, zip });
}
