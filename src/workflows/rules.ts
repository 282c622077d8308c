import { ApplicationFailure } from '@temporalio/workflow';
import { INVALID_STATE } from '../shared/messages';
import {
  Codegen,
  type PrinterConfirmation,
  type WorkorderSnapshot,
  type WorkorderType,
} from '../shared/workorder';

/**
 * The lifecycle rules (docs/product.md, Lifecycle): each throws an InvalidState failure (HTTP 409)
 * when refused.
 */
function refuse(message: string): never {
  throw ApplicationFailure.create({ type: INVALID_STATE, message, nonRetryable: true });
}

export function checkPrinterConfirm(type: WorkorderType, s: WorkorderSnapshot, c?: unknown): void {
  if (type !== 'SSC') refuse('Only SSC workorders are confirmed by a printer.');
  if (s.state === 'canceled') refuse('The workorder is canceled.');
  if (s.printer !== null || s.state !== 'new') refuse('The workorder is already confirmed.');
  if (c !== undefined && !isPrinterConfirmation(c)) {
    throw ApplicationFailure.create({
      type: INVALID_PRINTER_CONFIRMATION,
      message:
        'A printer confirmation is {"equipment": {"id", "name", "dpi"}, "substrate": {"id", "name"}, ' +
        '"calibration": {"id", "parameters": {...}}, "externalId"?}.',
      nonRetryable: true,
    });
  }
}

export const INVALID_PRINTER_CONFIRMATION = 'InvalidPrinterConfirmation';

/** A Signal's payload is whatever the Web UI or CLI sent: its shape is checked before it is kept. */
export function isPrinterConfirmation(c: unknown): c is PrinterConfirmation {
  const isObject = (v: unknown): v is Record<string, unknown> =>
    typeof v === 'object' && v !== null && !Array.isArray(v);
  const isId = (v: unknown) => typeof v === 'number' && Number.isSafeInteger(v) && v > 0;
  if (!isObject(c) || !isObject(c.equipment) || !isObject(c.substrate) || !isObject(c.calibration))
    return false;
  const { equipment, substrate, calibration } = c;
  return (
    isId(equipment.id) &&
    typeof equipment.name === 'string' &&
    isId(equipment.dpi) &&
    isId(substrate.id) &&
    typeof substrate.name === 'string' &&
    isId(calibration.id) &&
    isObject(calibration.parameters) &&
    (c.externalId === undefined || typeof c.externalId === 'string')
  );
}

export function checkCancel(s: WorkorderSnapshot): void {
  if (s.state !== 'new' && s.state !== 'ready to print') {
    refuse(`A workorder in state "${s.state}" cannot be canceled.`);
  }
}

export function checkArchive(s: WorkorderSnapshot): void {
  if (s.isArchived) refuse('The workorder is already archived.');
  if (s.state !== 'completed' && s.state !== 'canceled') {
    refuse(`A workorder in state "${s.state}" cannot be archived; only completed or canceled ones.`);
  }
}

export function checkMarkPrinted(type: WorkorderType, s: WorkorderSnapshot): void {
  if (type !== 'SSC') refuse('Only SSC workorders are marked printed.');
  if (s.state !== 'ready to print') refuse(`A workorder in state "${s.state}" cannot be marked printed.`);
}

export function checkQaComplete(type: WorkorderType, s: WorkorderSnapshot): void {
  if (type !== 'SSC') refuse('Only SSC workorders go through QA approval.');
  if (s.state !== 'printed')
    refuse(`A workorder in state "${s.state}" cannot be approved; it must be printed.`);
}

export function checkRetryGeneration(s: WorkorderSnapshot): void {
  if (s.state !== 'new' || s.codegenStatus !== Codegen.failed) {
    refuse('Only a workorder whose generation failed can be retried.');
  }
}
