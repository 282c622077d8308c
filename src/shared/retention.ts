import type { CodeSettings, PrinterConfirmation } from './workorder';

/** The retention sweep's workflow, started by its Temporal Schedule (docs/operations.md, Retention). */
export const RETENTION_SWEEP_WORKFLOW = 'retentionSweepWorkflow';

/** One schedule per orchestration task queue, so deployments sharing a namespace keep apart. */
export function retentionScheduleIdFor(taskQueue: string): string {
  return `retention-sweep-${taskQueue}`;
}

/** Rebuilds a removed zip, byte for byte, from the same deterministic generation. */
export const ZIP_REBUILD_WORKFLOW = 'zipRebuildWorkflow';

export function zipRebuildWorkflowIdFor(workorderId: number): string {
  return `workorder-${workorderId}-zip-rebuild`;
}

export interface ZipRebuildInput {
  workorderId: number;
  quantity: number;
  code: CodeSettings;
  printer: PrinterConfirmation | null;
  codegenTaskQueue: string;
  /** Batches generated at once. */
  batchWindow: number;
}
