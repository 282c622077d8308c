/**
 * Reminders to a printing partner who has not confirmed: durable timers, at most three. Real
 * timers on the dev server with the delay set short, as time cannot be skipped here (test-bed.ts
 * says why); the history shows the timers themselves.
 */
import * as messages from '../../src/shared/messages';
import { PRINTER, WorkflowTestBed, type WorkorderHandle } from './test-bed';

let bed: WorkflowTestBed;

beforeAll(async () => {
  bed = await WorkflowTestBed.open();
});

afterAll(async () => {
  await bed?.close();
});

async function timers(
  handle: WorkorderHandle,
): Promise<{ started: number; fired: number; canceled: number }> {
  const [events] = await bed.runs(handle);
  const count = (has: (e: (typeof events)[number]) => unknown) => events.filter(has).length;
  return {
    started: count((e) => e.timerStartedEventAttributes),
    fired: count((e) => e.timerFiredEventAttributes),
    canceled: count((e) => e.timerCanceledEventAttributes),
  };
}

test('an unconfirmed partner is reminded three times, then waited for without a timer', async () => {
  const { handle, fakes } = await bed.start({
    type: 'SSC',
    printingPartnerId: 2,
    quantity: 10,
    reminderDelay: '100 milliseconds',
  });
  await fakes.until(() => fakes.emails.length === 4);
  // The third reminder went out in the same workflow task that would have started a fourth timer.
  expect(await timers(handle)).toEqual({ started: 3, fired: 3, canceled: 0 });

  await handle.executeUpdate(messages.printerConfirmUpdate, { args: [PRINTER] });
  await fakes.until(() => fakes.emails.length === 5);
  expect(fakes.emails).toEqual([
    { kind: 'created' },
    { kind: 'reminder', number: 1 },
    { kind: 'reminder', number: 2 },
    { kind: 'reminder', number: 3 },
    { kind: 'ready' },
  ]);
  expect(await timers(handle)).toEqual({ started: 3, fired: 3, canceled: 0 });
  await handle.terminate('test over');
});

test('a confirmation before the delay cancels the reminder timer', async () => {
  const { handle, fakes } = await bed.start({ type: 'SSC', printingPartnerId: 2, quantity: 10 });
  await fakes.until(() => fakes.emails.length === 1);
  await handle.executeUpdate(messages.printerConfirmUpdate, { args: [PRINTER] });
  await fakes.until(() => fakes.emails.length === 2);
  expect(fakes.emails).toEqual([{ kind: 'created' }, { kind: 'ready' }]);
  expect(await timers(handle)).toEqual({ started: 1, fired: 0, canceled: 1 });
  await handle.terminate('test over');
});
