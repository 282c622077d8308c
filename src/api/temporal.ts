import {
  Client,
  WorkflowExecutionAlreadyStartedError,
  WorkflowNotFoundError,
  WorkflowUpdateFailedError,
  type WorkflowHandle,
} from '@temporalio/client';
import type { UpdateDefinition } from '@temporalio/common';
import { snapshotQuery } from '../shared/messages';
import { ZIP_REBUILD_WORKFLOW, zipRebuildWorkflowIdFor, type ZipRebuildInput } from '../shared/retention';
import {
  CompanyIdKey,
  PrintingPartnerIdKey,
  WorkorderArchivedKey,
  WorkorderIdKey,
  WorkorderReferenceKey,
  WorkorderStateKey,
  WorkorderTypeKey,
} from '../shared/search-attributes';
import {
  WORKFLOW_TYPE,
  workflowIdFor,
  type WorkorderInput,
  type WorkorderSnapshot,
} from '../shared/workorder';
import { clientTracingInterceptors } from '../observability/tracing';
import { lazyClient, type TemporalConnectionSettings } from '../temporal-connection';
import { wakeWebhookDelivery } from '../webhooks/dispatch';
import { InvalidState, WorkflowIdReused, WorkflowUnavailable } from '../workorders/errors';

export interface WorkflowGatewayOptions {
  temporal: TemporalConnectionSettings;
  taskQueue: string;
  codegenTaskQueue: string;
  batchWindow: number;
  historyEventsPerRun: number;
}

/** True when Temporal could not be reached or did not answer in time. */
export function isUnavailable(err: unknown): boolean {
  for (let e: unknown = err, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (code === 14 || code === 4) return true;
    const message = String((e as { message?: unknown }).message ?? '');
    if (
      /UNAVAILABLE|DEADLINE_EXCEEDED|Deadline exceeded|ECONNREFUSED|No connection established/.test(message)
    ) {
      return true;
    }
  }
  return false;
}

/**
 * The API's one door to Temporal: start a workorder's workflow, read its snapshot, send it an
 * Update. Every call has a deadline, so a slow or absent server becomes WorkflowUnavailable (a
 * 503), never a hang; Temporal's refusals come out as the domain errors of src/workorders/errors.ts.
 */
export function createWorkflowGateway(opts: WorkflowGatewayOptions) {
  const connection = lazyClient(opts.temporal);
  const client = new Client({
    connection,
    namespace: opts.temporal.namespace,
    interceptors: clientTracingInterceptors(),
  });
  const within = <T>(ms: number, fn: () => Promise<T>) => connection.withDeadline(Date.now() + ms, fn);
  const handleOf = (workflowId: string): WorkflowHandle => client.workflow.getHandle(workflowId);

  const startWorkflow = (input: WorkorderInput, summary: string, details: string) =>
    within(10_000, () =>
      client.workflow.start(WORKFLOW_TYPE, {
        workflowId: workflowIdFor(input.workorderId),
        taskQueue: opts.taskQueue,
        args: [
          input,
          {
            batchWindow: opts.batchWindow,
            codegenTaskQueue: opts.codegenTaskQueue,
            continueAsNewAfterEvents: opts.historyEventsPerRun,
          },
        ],
        // A retried start (API retry, reconciler) finds the running workflow instead of a second one.
        workflowIdConflictPolicy: 'USE_EXISTING',
        workflowIdReusePolicy: 'REJECT_DUPLICATE',
        // Task queues dispatch companies in turn (Temporal's fairness); the workflow's activities
        // and continued runs inherit the key, and the render pool reads it from the activity.
        priority: { fairnessKey: `company-${input.companyId}` },
        staticSummary: summary,
        staticDetails: details,
        typedSearchAttributes: [
          { key: WorkorderIdKey, value: input.workorderId },
          { key: CompanyIdKey, value: input.companyId },
          ...(input.printingPartnerId !== null
            ? [{ key: PrintingPartnerIdKey, value: input.printingPartnerId }]
            : []),
          { key: WorkorderStateKey, value: 'new' },
          { key: WorkorderTypeKey, value: input.type },
          { key: WorkorderReferenceKey, value: input.reference },
          { key: WorkorderArchivedKey, value: false },
        ],
      }),
    );

  return {
    async start(input: WorkorderInput, summary: string, details: string): Promise<void> {
      try {
        await startWorkflow(input, summary, details);
      } catch (err) {
        if (err instanceof WorkflowExecutionAlreadyStartedError) throw new WorkflowIdReused(err.message);
        if (isUnavailable(err)) throw new WorkflowUnavailable();
        throw err;
      }
    },

    /** The live snapshot, or null when the workflow cannot answer now (the database then serves). */
    async snapshot(workflowId: string, timeoutMs = 3000): Promise<WorkorderSnapshot | null> {
      try {
        return await within(timeoutMs, () => handleOf(workflowId).query(snapshotQuery));
      } catch {
        return null;
      }
    },

    /** Sends an Update and returns the snapshot after it; the validator's refusal is InvalidState. */
    async update<Args extends unknown[]>(
      workflowId: string,
      update: UpdateDefinition<WorkorderSnapshot, Args>,
      ...args: Args
    ): Promise<WorkorderSnapshot> {
      try {
        // The SDK's overloads split zero and non-zero arities; by name the call is the same.
        return await within(30_000, () =>
          handleOf(workflowId).executeUpdate<WorkorderSnapshot, [unknown, ...unknown[]]>(update.name, {
            args: args as unknown as [unknown, ...unknown[]],
          }),
        );
      } catch (err) {
        if (err instanceof WorkflowUpdateFailedError) {
          throw new InvalidState(err.cause?.message ?? 'The workorder refused this change.');
        }
        if (
          err instanceof WorkflowNotFoundError ||
          /already completed/i.test(String((err as Error).message))
        ) {
          throw new InvalidState('The workorder is closed and cannot change any more.');
        }
        if (isUnavailable(err)) throw new WorkflowUnavailable();
        throw err;
      }
    },

    /**
     * Starts rebuilding a removed zip (docs/operations.md, Retention); a rebuild already running is
     * joined, not doubled. Resolves once Temporal has it.
     */
    async rebuildZip(input: Omit<ZipRebuildInput, 'codegenTaskQueue' | 'batchWindow'>, companyId: number) {
      try {
        await within(10_000, () =>
          client.workflow.start(ZIP_REBUILD_WORKFLOW, {
            workflowId: zipRebuildWorkflowIdFor(input.workorderId),
            taskQueue: opts.taskQueue,
            args: [{ ...input, codegenTaskQueue: opts.codegenTaskQueue, batchWindow: opts.batchWindow }],
            workflowIdConflictPolicy: 'USE_EXISTING',
            // Removed again after a rebuild's retention: rebuilt again under the same id.
            workflowIdReusePolicy: 'ALLOW_DUPLICATE',
            priority: { fairnessKey: `company-${companyId}` },
            staticSummary: `Rebuild the zip of workorder ${input.workorderId}`,
          }),
        );
      } catch (err) {
        if (isUnavailable(err)) throw new WorkflowUnavailable();
        throw err;
      }
    },

    /** Wakes (or starts) the delivery workflows of an endpoint's streams for these workorders. */
    async wakeWebhookDeliveries(endpointId: number, workorderIds: number[]): Promise<void> {
      try {
        for (const workorderId of workorderIds) {
          await within(10_000, () =>
            wakeWebhookDelivery(client, opts.taskQueue, { endpointId, workorderId }),
          );
        }
      } catch (err) {
        if (isUnavailable(err)) throw new WorkflowUnavailable();
        throw err;
      }
    },

    async ping(): Promise<boolean> {
      try {
        await within(2000, () => connection.workflowService.getSystemInfo({}));
        return true;
      } catch {
        return false;
      }
    },

    async close(): Promise<void> {
      await connection.close();
    },
    connection,
  };
}
export type WorkflowGateway = ReturnType<typeof createWorkflowGateway>;
