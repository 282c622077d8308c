import {
  ActivityCancellationType,
  continueAsNew,
  log,
  proxyActivities,
  proxyLocalActivities,
  setHandler,
} from '@temporalio/workflow';
import type { SignalDefinition, UpdateDefinition } from '@temporalio/common';
import type { CodegenActivities, OrchestrationActivities } from '../activities/types';
import * as messages from '../shared/messages';
import type { WorkorderInput, WorkorderSnapshot } from '../shared/workorder';
import { generateCodes } from './generation';
import { Workorder, type MessageHandler } from './workorder-state';

export interface WorkflowOptions {
  batchWindow: number;
  codegenTaskQueue: string;
  /** History length after which a generating run continues as new (default 4,000). */
  continueAsNewAfterEvents?: number;
}

/** One workorder's process (docs/product.md, Temporal): the state lives in Workorder, this runs it. */
export async function workorderWorkflow(
  input: WorkorderInput,
  options: WorkflowOptions,
): Promise<WorkorderSnapshot> {
  const workorder = new Workorder(input, {
    codegen: proxyActivities<CodegenActivities>({
      taskQueue: options.codegenTaskQueue,
      startToCloseTimeout: '15 minutes',
      heartbeatTimeout: '20 seconds',
      // Cleanup must run after in-flight batches have really stopped writing.
      cancellationType: ActivityCancellationType.WAIT_CANCELLATION_COMPLETED,
      retry: {
        initialInterval: '1 second',
        backoffCoefficient: 2,
        maximumInterval: '1 minute',
        maximumAttempts: 5,
      },
    }),
    mail: proxyActivities<OrchestrationActivities>({
      startToCloseTimeout: '1 minute',
      scheduleToCloseTimeout: '7 days',
      // An SMTP outage only delays mail; it never fails the workorder.
      retry: { initialInterval: '5 seconds', backoffCoefficient: 2, maximumInterval: '10 minutes' },
    }),
    local: proxyLocalActivities<OrchestrationActivities>({
      startToCloseTimeout: '15 seconds',
      retry: { initialInterval: '500 milliseconds', maximumInterval: '10 seconds' },
    }),
  });

  const { handlers } = workorder;
  setHandler(messages.snapshotQuery, () => workorder.snapshot);
  accept(workorder, messages.printerConfirmUpdate, messages.printerConfirmSignal, handlers.printerConfirm);
  accept(workorder, messages.cancelUpdate, messages.cancelSignal, handlers.cancel);
  accept(workorder, messages.archiveUpdate, messages.archiveSignal, handlers.archive);
  accept(workorder, messages.markPrintedUpdate, messages.markPrintedSignal, handlers.markPrinted);
  accept(workorder, messages.qaCompleteUpdate, messages.qaCompleteSignal, handlers.qaComplete);
  accept(workorder, messages.retryGenerationUpdate, messages.retryGenerationSignal, handlers.retryGeneration);

  await workorder.begin();
  while (!workorder.snapshot.isArchived) {
    switch (workorder.nextStep()) {
      case 'remove artifacts':
        await workorder.removeArtifacts();
        break;
      case 'wait for partner':
        await workorder.waitForPartner();
        break;
      case 'wait for a message':
        await workorder.nextChange();
        break;
      case 'generate codes':
        if ((await generateCodes(workorder, options)) === 'history full') {
          await workorder.settle();
          log.info('Continuing as new', { ...workorder.logAttrs, batchesCompleted: workorder.batches.size });
          return continueAsNew<typeof workorderWorkflow>({ ...input, carried: workorder.carried() }, options);
        }
    }
  }
  await workorder.settle();
  log.info('Workorder archived; workflow closes', workorder.logAttrs);
  return workorder.snapshot;
}

/** Registers a message as an Update (validated, answered: what the API sends) and as a Signal. */
function accept<A extends unknown[]>(
  workorder: Workorder,
  update: UpdateDefinition<WorkorderSnapshot, A>,
  signal: SignalDefinition<A>,
  handler: MessageHandler<A>,
): void {
  setHandler(update, (...args: A) => handler.run(...args), {
    validator: (...args: A) => handler.validate(...args),
  });
  setHandler(signal, async (...args: A) => {
    try {
      handler.validate(...args);
    } catch (err) {
      // A Signal cannot be refused to its sender (the Web UI, the CLI): an invalid one is logged and ignored.
      log.warn('Ignored a signal the workorder cannot accept now', {
        ...workorder.logAttrs,
        signal: signal.name,
        err,
      });
      return;
    }
    await handler.run(...args);
  });
}
