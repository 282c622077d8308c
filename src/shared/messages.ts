import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { CancelRequest, PrinterConfirmation, WorkorderSnapshot } from './workorder';

/**
 * Every state-changing message is an Update (what the API uses: validated, answered) and a Signal
 * of the same name and meaning (for the Web UI and `temporal workflow signal`); one handler serves both.
 */
export const snapshotQuery = defineQuery<WorkorderSnapshot>('snapshot');

export const printerConfirmUpdate = defineUpdate<WorkorderSnapshot, [PrinterConfirmation]>('printerConfirm');
export const printerConfirmSignal = defineSignal<[PrinterConfirmation]>('printerConfirm');

export const cancelUpdate = defineUpdate<WorkorderSnapshot, [CancelRequest]>('cancel');
export const cancelSignal = defineSignal<[CancelRequest]>('cancel');

export const archiveUpdate = defineUpdate<WorkorderSnapshot, []>('archive');
export const archiveSignal = defineSignal<[]>('archive');

export const markPrintedUpdate = defineUpdate<WorkorderSnapshot, []>('markPrinted');
export const markPrintedSignal = defineSignal<[]>('markPrinted');

export const qaCompleteUpdate = defineUpdate<WorkorderSnapshot, []>('qaComplete');
export const qaCompleteSignal = defineSignal<[]>('qaComplete');

/** Operators: run generation again after it failed (codegen_status 5). */
export const retryGenerationUpdate = defineUpdate<WorkorderSnapshot, []>('retryGeneration');
export const retryGenerationSignal = defineSignal<[]>('retryGeneration');

/** ApplicationFailure type of a message refused because of the workorder's state (HTTP 409). */
export const INVALID_STATE = 'InvalidState';
