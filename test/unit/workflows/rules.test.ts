/**
 * The lifecycle rules the workflow's Update validators apply (docs/product.md, Lifecycle): which
 * message each state and type accepts, and the failure a refusal carries (HTTP 409 at the API).
 */
import { ApplicationFailure } from '@temporalio/common';
import { INVALID_STATE } from '../../../src/shared/messages';
import {
  Codegen,
  newSnapshot,
  type PrinterConfirmation,
  type WorkorderSnapshot,
  type WorkorderState,
} from '../../../src/shared/workorder';
import * as rules from '../../../src/workflows/rules';

const PRINTER: PrinterConfirmation = {
  equipment: { id: 1, name: 'Press', dpi: 600 },
  substrate: { id: 2, name: 'Label' },
  calibration: { id: 3, parameters: { dotGain: 0.1 } },
  externalId: '',
};

function snapshot(overrides: Partial<WorkorderSnapshot> = {}): WorkorderSnapshot {
  return { ...newSnapshot(1, 1), ...overrides };
}

/** The refusal `check` throws, as { type, message }; undefined when it accepts. */
function refusal(check: () => void): { type?: string | null; message: string } | undefined {
  try {
    check();
    return undefined;
  } catch (err) {
    if (!(err instanceof ApplicationFailure)) throw err;
    expect(err.nonRetryable).toBe(true);
    return { type: err.type, message: err.message };
  }
}

const invalidState = (message: string) => ({ type: INVALID_STATE, message });
const STATES: WorkorderState[] = ['new', 'ready to print', 'printed', 'completed', 'canceled'];

describe('printer confirmation', () => {
  test('an unconfirmed SSC workorder accepts a well-formed one', () => {
    expect(refusal(() => rules.checkPrinterConfirm('SSC', snapshot(), PRINTER))).toBeUndefined();
    expect(
      refusal(() => rules.checkPrinterConfirm('SSC', snapshot(), { ...PRINTER, externalId: undefined })),
    ).toBeUndefined();
  });

  test('refused for SID, once confirmed, once past new, and once canceled', () => {
    expect(refusal(() => rules.checkPrinterConfirm('SID', snapshot(), PRINTER))).toEqual(
      invalidState('Only SSC workorders are confirmed by a printer.'),
    );
    expect(refusal(() => rules.checkPrinterConfirm('SSC', snapshot({ printer: PRINTER }), PRINTER))).toEqual(
      invalidState('The workorder is already confirmed.'),
    );
    expect(refusal(() => rules.checkPrinterConfirm('SSC', snapshot({ state: 'printed' }), PRINTER))).toEqual(
      invalidState('The workorder is already confirmed.'),
    );
    expect(refusal(() => rules.checkPrinterConfirm('SSC', snapshot({ state: 'canceled' }), PRINTER))).toEqual(
      invalidState('The workorder is canceled.'),
    );
  });

  test('a malformed payload (a Signal sent by hand) is refused with its own type', () => {
    const malformed: unknown[] = [
      null,
      [],
      { ...PRINTER, equipment: { ...PRINTER.equipment, dpi: 0 } },
      { ...PRINTER, equipment: { ...PRINTER.equipment, id: 1.5 } },
      { ...PRINTER, substrate: { id: 2 } },
      { ...PRINTER, calibration: { id: 3, parameters: [] } },
      { ...PRINTER, externalId: 7 },
    ];
    for (const payload of malformed) {
      expect(rules.isPrinterConfirmation(payload)).toBe(false);
      expect(refusal(() => rules.checkPrinterConfirm('SSC', snapshot(), payload))?.type).toBe(
        rules.INVALID_PRINTER_CONFIRMATION,
      );
    }
  });

  test('the state is checked before the payload, and a validator without one checks only the state', () => {
    expect(refusal(() => rules.checkPrinterConfirm('SID', snapshot(), null))?.type).toBe(INVALID_STATE);
    expect(refusal(() => rules.checkPrinterConfirm('SSC', snapshot()))).toBeUndefined();
  });
});

test('cancel: accepted in new (any codegen status) and ready to print only', () => {
  for (const codegenStatus of Object.values(Codegen)) {
    expect(refusal(() => rules.checkCancel(snapshot({ codegenStatus })))).toBeUndefined();
  }
  const accepted = STATES.filter((state) => !refusal(() => rules.checkCancel(snapshot({ state }))));
  expect(accepted).toEqual(['new', 'ready to print']);
  expect(refusal(() => rules.checkCancel(snapshot({ state: 'printed' })))).toEqual(
    invalidState('A workorder in state "printed" cannot be canceled.'),
  );
});

test('archive: accepted in completed and canceled, once', () => {
  const accepted = STATES.filter((state) => !refusal(() => rules.checkArchive(snapshot({ state }))));
  expect(accepted).toEqual(['completed', 'canceled']);
  expect(refusal(() => rules.checkArchive(snapshot({ state: 'new' })))).toEqual(
    invalidState('A workorder in state "new" cannot be archived; only completed or canceled ones.'),
  );
  expect(refusal(() => rules.checkArchive(snapshot({ state: 'completed', isArchived: true })))).toEqual(
    invalidState('The workorder is already archived.'),
  );
});

test('mark printed: SSC in ready to print only', () => {
  const accepted = STATES.filter(
    (state) => !refusal(() => rules.checkMarkPrinted('SSC', snapshot({ state }))),
  );
  expect(accepted).toEqual(['ready to print']);
  expect(refusal(() => rules.checkMarkPrinted('SID', snapshot({ state: 'ready to print' })))).toEqual(
    invalidState('Only SSC workorders are marked printed.'),
  );
});

test('QA complete: SSC in printed only', () => {
  const accepted = STATES.filter(
    (state) => !refusal(() => rules.checkQaComplete('SSC', snapshot({ state }))),
  );
  expect(accepted).toEqual(['printed']);
  expect(refusal(() => rules.checkQaComplete('SID', snapshot({ state: 'printed' })))).toEqual(
    invalidState('Only SSC workorders go through QA approval.'),
  );
  expect(refusal(() => rules.checkQaComplete('SSC', snapshot({ state: 'ready to print' })))).toEqual(
    invalidState('A workorder in state "ready to print" cannot be approved; it must be printed.'),
  );
});

test('retry generation: only a new workorder whose generation failed', () => {
  expect(
    refusal(() => rules.checkRetryGeneration(snapshot({ codegenStatus: Codegen.failed }))),
  ).toBeUndefined();
  const refused = [
    snapshot({ codegenStatus: Codegen.generating }),
    snapshot({ codegenStatus: Codegen.waiting }),
    snapshot({ state: 'canceled', codegenStatus: Codegen.failed }),
  ];
  for (const s of refused) {
    expect(refusal(() => rules.checkRetryGeneration(s))).toEqual(
      invalidState('Only a workorder whose generation failed can be retried.'),
    );
  }
});
