import { proxyActivities, proxyLocalActivities } from '@temporalio/workflow';
import type { CodegenActivities, OrchestrationActivities, RetentionSweepResult } from '../activities/types';
import type { ZipRebuildInput } from '../shared/retention';
import { batchBounds, batchCount, type BatchRef } from '../shared/workorder';

/** Batches per generateBatches activity for orders without images (as in batch-scheduling.ts). */
const CSV_BATCHES_PER_ACTIVITY = 5;

/**
 * The sweep heartbeats after each step: a sweep lost with a stopped worker is retried within the
 * heartbeat timeout, not after the ten minutes its overlap policy (SKIP) would otherwise wait.
 */
const orchestration = proxyActivities<OrchestrationActivities>({
  startToCloseTimeout: '10 minutes',
  heartbeatTimeout: '30 seconds',
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
  // As the workorder's own generation: one batch an activity with images; without, runs of five
  // batches an activity and twice the window (history stays small at millions of codes).
  const total = batchCount(input.quantity);
  const perActivity = code.withImages ? 1 : CSV_BATCHES_PER_ACTIVITY;
  const window = Math.max(1, input.batchWindow) * (code.withImages ? 1 : 2);
  const groups: number[][] = [];
  for (let n = 1; n <= total; n += perActivity) {
    groups.push(Array.from({ length: Math.min(perActivity, total - n + 1) }, (_, i) => n + i));
  }
  const batches: BatchRef[] = [];
  for (let i = 0; i < groups.length; i += window) {
    const results = await Promise.all(
      groups.slice(i, i + window).map((group) =>
        codegen.generateBatches({
          workorderId,
          batches: group.map((batchNumber) => ({ batchNumber, ...batchBounds(input.quantity, batchNumber) })),
          code,
          printer,
        }),
      ),
    );
    batches.push(...results.flat());
  }
  const zip = await codegen.assembleZip({ workorderId, code, printer, batches });
  await codegen.removeBatchParts({ workorderId });
  await local.zipRebuilt({ workorderId, zip });
}
