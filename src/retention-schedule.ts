import { Client, ScheduleAlreadyRunning, type Connection } from '@temporalio/client';
import { RETENTION_SWEEP_WORKFLOW, retentionScheduleIdFor } from './shared/retention';

export interface RetentionScheduleOptions {
  namespace: string;
  /** The orchestration task queue: the sweep runs there. */
  taskQueue: string;
  everyMs: number;
}

/**
 * Creates the retention sweep's Temporal Schedule, or brings an existing one's interval and action
 * up to date; a schedule an operator paused stays paused (docs/operations.md, Retention). Every
 * worker calls this at start: the same call twice is harmless.
 */
export async function ensureRetentionSchedule(
  connection: Connection,
  opts: RetentionScheduleOptions,
): Promise<string> {
  const client = new Client({ connection, namespace: opts.namespace });
  const scheduleId = retentionScheduleIdFor(opts.taskQueue);
  const spec = { intervals: [{ every: opts.everyMs }] };
  const action = {
    type: 'startWorkflow' as const,
    workflowType: RETENTION_SWEEP_WORKFLOW,
    workflowId: `${scheduleId}-run`,
    taskQueue: opts.taskQueue,
    args: [],
    workflowExecutionTimeout: '1 hour' as const,
    staticSummary: 'Retention sweep',
  };
  try {
    await client.schedule.create({
      scheduleId,
      spec,
      action,
      // A sweep still running when the next is due: the next is skipped.
      policies: { overlap: 'SKIP', catchupWindow: '1 minute' },
      memo: { purpose: 'Retention: expired idempotency keys, throttle windows, old zips' },
    });
  } catch (err) {
    if (!(err instanceof ScheduleAlreadyRunning)) throw err;
    await client.schedule.getHandle(scheduleId).update((previous) => ({ ...previous, spec, action }));
  }
  return scheduleId;
}
