/**
 * Every Update the workorder refuses in its state (HTTP 409 at the API), each by its validator: the
 * caller gets the reason, and nothing changes or reaches the history. See test-bed.ts for the fakes.
 */
import * as messages from '../../src/shared/messages';
import { INVALID_PRINTER_CONFIRMATION } from '../../src/workflows/rules';
import { PRINTER, refusal, WorkflowTestBed, type WorkorderHandle } from './test-bed';

let bed: WorkflowTestBed;

beforeAll(async () => {
  bed = await WorkflowTestBed.open();
});

afterAll(async () => {
  await bed?.close();
});

const invalidState = (message: string) => ({ type: messages.INVALID_STATE, message });

/** Updates accepted in the history: a refused one leaves none. */
async function acceptedUpdates(handle: WorkorderHandle): Promise<number> {
  const [events] = await bed.runs(handle);
  return events.filter((e) => e.workflowExecutionUpdateAcceptedEventAttributes).length;
}

test('a completed SID workorder refuses what only SSC or other states allow', async () => {
  const { handle, fakes } = await bed.start({ type: 'SID', quantity: 10 });
  await fakes.until(() => fakes.last?.state === 'completed');
  const before = await handle.query(messages.snapshotQuery);

  expect(await refusal(handle.executeUpdate(messages.printerConfirmUpdate, { args: [PRINTER] }))).toEqual(
    invalidState('Only SSC workorders are confirmed by a printer.'),
  );
  expect(await refusal(handle.executeUpdate(messages.markPrintedUpdate, { args: [] }))).toEqual(
    invalidState('Only SSC workorders are marked printed.'),
  );
  expect(await refusal(handle.executeUpdate(messages.qaCompleteUpdate, { args: [] }))).toEqual(
    invalidState('Only SSC workorders go through QA approval.'),
  );
  expect(
    await refusal(handle.executeUpdate(messages.cancelUpdate, { args: [{ reason: '', by: 'brand' }] })),
  ).toEqual(invalidState('A workorder in state "completed" cannot be canceled.'));
  expect(await refusal(handle.executeUpdate(messages.retryGenerationUpdate, { args: [] }))).toEqual(
    invalidState('Only a workorder whose generation failed can be retried.'),
  );

  expect(await handle.query(messages.snapshotQuery)).toEqual(before);
  expect(await acceptedUpdates(handle)).toBe(0);
  await handle.executeUpdate(messages.archiveUpdate, { args: [] });
  await handle.result();
});

test('an SSC workorder refuses what its state does not allow yet, and a malformed confirmation', async () => {
  const { handle, fakes } = await bed.start({ type: 'SSC', printingPartnerId: 2 });
  await fakes.until(() => fakes.emails.length === 1);
  const before = await handle.query(messages.snapshotQuery);

  expect(await refusal(handle.executeUpdate(messages.archiveUpdate, { args: [] }))).toEqual(
    invalidState('A workorder in state "new" cannot be archived; only completed or canceled ones.'),
  );
  expect(await refusal(handle.executeUpdate(messages.markPrintedUpdate, { args: [] }))).toEqual(
    invalidState('A workorder in state "new" cannot be marked printed.'),
  );
  expect(await refusal(handle.executeUpdate(messages.qaCompleteUpdate, { args: [] }))).toEqual(
    invalidState('A workorder in state "new" cannot be approved; it must be printed.'),
  );
  expect(await refusal(handle.executeUpdate(messages.retryGenerationUpdate, { args: [] }))).toEqual(
    invalidState('Only a workorder whose generation failed can be retried.'),
  );
  const malformed = { ...PRINTER, equipment: { id: 'eleven' } } as never;
  expect(await refusal(handle.executeUpdate(messages.printerConfirmUpdate, { args: [malformed] }))).toEqual({
    type: INVALID_PRINTER_CONFIRMATION,
    message: expect.stringContaining('A printer confirmation is'),
  });
  expect(await handle.query(messages.snapshotQuery)).toEqual(before);
  expect(await acceptedUpdates(handle)).toBe(0);

  await handle.executeUpdate(messages.printerConfirmUpdate, { args: [PRINTER] });
  expect(await refusal(handle.executeUpdate(messages.printerConfirmUpdate, { args: [PRINTER] }))).toEqual(
    invalidState('The workorder is already confirmed.'),
  );
  await fakes.until(() => fakes.last?.state === 'ready to print');
  expect(await refusal(handle.executeUpdate(messages.archiveUpdate, { args: [] }))).toEqual(
    invalidState(
      'A workorder in state "ready to print" cannot be archived; only completed or canceled ones.',
    ),
  );
  expect(await refusal(handle.executeUpdate(messages.qaCompleteUpdate, { args: [] }))).toEqual(
    invalidState('A workorder in state "ready to print" cannot be approved; it must be printed.'),
  );
  await handle.executeUpdate(messages.markPrintedUpdate, { args: [] });
  expect(
    await refusal(handle.executeUpdate(messages.cancelUpdate, { args: [{ reason: '', by: 'partner' }] })),
  ).toEqual(invalidState('A workorder in state "printed" cannot be canceled.'));
  expect(await acceptedUpdates(handle)).toBe(2);
  await handle.terminate('test over');
});

test('a canceled SSC workorder can be neither confirmed nor canceled again', async () => {
  const { handle } = await bed.start({ type: 'SSC', printingPartnerId: 2 });
  await handle.executeUpdate(messages.cancelUpdate, { args: [{ reason: '', by: 'partner' }] });
  expect(await refusal(handle.executeUpdate(messages.printerConfirmUpdate, { args: [PRINTER] }))).toEqual(
    invalidState('The workorder is canceled.'),
  );
  expect(
    await refusal(handle.executeUpdate(messages.cancelUpdate, { args: [{ reason: '', by: 'brand' }] })),
  ).toEqual(invalidState('A workorder in state "canceled" cannot be canceled.'));
  // Without a reason, the cancel says who made it.
  expect(await handle.query(messages.snapshotQuery)).toMatchObject({ cancelReason: 'Canceled by partner.' });
  await handle.executeUpdate(messages.archiveUpdate, { args: [] });
  await handle.result();
});
