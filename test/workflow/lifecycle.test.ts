/**
 * The workorder's whole lifecycle, SID and SSC, as the API drives it (Updates) and as an operator
 * does from the Web UI (Signals); see test-bed.ts for what is real and what is faked.
 */
import * as messages from '../../src/shared/messages';
import { Codegen } from '../../src/shared/workorder';
import { PRINTER, WorkflowTestBed } from './test-bed';

let bed: WorkflowTestBed;

beforeAll(async () => {
  bed = await WorkflowTestBed.open();
});

afterAll(async () => {
  await bed?.close();
});

test('SID: new, generating, completed with its zip; archive closes the workflow', async () => {
  const { handle, fakes } = await bed.start({ type: 'SID', quantity: 25_000 });
  await fakes.until(() => fakes.last?.state === 'completed');

  const states = fakes.recorded.map((s) => [s.state, s.codegenStatus]);
  expect(states[0]).toEqual(['new', Codegen.waiting]);
  expect(states).toContainEqual(['new', Codegen.generating]);
  expect(states[states.length - 1]).toEqual(['completed', Codegen.completed]);
  const revisions = fakes.recorded.map((s) => s.revision);
  expect(revisions).toEqual([...revisions].sort((a, b) => a - b));
  // With images: one generateBatch activity per batch, then the zip of all three.
  expect(fakes.log.filter((l) => l.startsWith('generateBatches'))).toEqual([]);
  expect([...fakes.generated].sort()).toEqual([1, 2, 3]);
  expect(fakes.log).toContain('assembleZip 1,2,3');
  expect(fakes.emails).toEqual([]);

  const completed = await handle.query(messages.snapshotQuery);
  expect(completed).toMatchObject({
    state: 'completed',
    codegenStatus: Codegen.completed,
    progress: { codesGenerated: 25_000, batchesCompleted: 3, batchesTotal: 3 },
    zip: { key: expect.stringContaining('workorder-') },
  });
  expect(completed.dateCodesCompleted).toBe(completed.completedDate);

  const archived = await handle.executeUpdate(messages.archiveUpdate, { args: [] });
  expect(archived).toMatchObject({ state: 'completed', isArchived: true });
  expect(await handle.result()).toEqual(archived);
  expect(fakes.last).toEqual(archived);
  // Once the zip holds the codes, the batch parts go, once (the remove-batch-parts patch).
  expect(fakes.log.filter((l) => l === 'removeBatchParts')).toEqual(['removeBatchParts']);
  expect(fakes.log.indexOf('removeBatchParts')).toBeGreaterThan(fakes.log.indexOf('assembleZip 1,2,3'));
});

test('SID without images: consecutive batches go five to a generateBatches activity', async () => {
  const { handle, fakes } = await bed.start({ type: 'SID', quantity: 120_000 });
  await fakes.until(() => fakes.last?.state === 'completed');
  expect(fakes.log.filter((l) => l.startsWith('generateBatches')).sort()).toEqual([
    'generateBatches 1,2,3,4,5',
    'generateBatches 11,12',
    'generateBatches 6,7,8,9,10',
  ]);
  expect(fakes.last?.progress).toEqual({ codesGenerated: 120_000, batchesCompleted: 12, batchesTotal: 12 });
  await handle.executeUpdate(messages.archiveUpdate, { args: [] });
  await handle.result();
});

test('SSC: the partner confirms, codes are made, printed, QA approved, archived', async () => {
  const { handle, fakes } = await bed.start({ type: 'SSC', printingPartnerId: 2, quantity: 15_000 });
  await fakes.until(() => fakes.emails.length === 1);
  expect(fakes.emails).toEqual([{ kind: 'created' }]);
  expect(await handle.query(messages.snapshotQuery)).toMatchObject({
    state: 'new',
    codegenStatus: Codegen.waiting,
    printer: null,
  });

  const confirmed = await handle.executeUpdate(messages.printerConfirmUpdate, { args: [PRINTER] });
  expect(confirmed).toMatchObject({ state: 'new', codegenStatus: Codegen.generating, printer: PRINTER });

  await fakes.until(() => fakes.last?.state === 'ready to print');
  expect(fakes.last).toMatchObject({ codegenStatus: Codegen.completed, completedDate: null });
  await fakes.until(() => fakes.emails.length === 2);
  expect(fakes.emails[1]).toEqual({ kind: 'ready' });

  const printed = await handle.executeUpdate(messages.markPrintedUpdate, { args: [] });
  expect(printed).toMatchObject({ state: 'printed', printedDate: expect.any(String) });
  const approved = await handle.executeUpdate(messages.qaCompleteUpdate, { args: [] });
  expect(approved).toMatchObject({ state: 'completed', completedDate: expect.any(String) });
  await handle.executeUpdate(messages.archiveUpdate, { args: [] });
  expect(await handle.result()).toMatchObject({ state: 'completed', isArchived: true, printer: PRINTER });
  expect(fakes.emails).toEqual([{ kind: 'created' }, { kind: 'ready' }]);
});

test('SSC canceled before confirmation: partial files removed and the partner told why', async () => {
  const { handle, fakes } = await bed.start({ type: 'SSC', printingPartnerId: 2 });
  const canceled = await handle.executeUpdate(messages.cancelUpdate, {
    args: [{ reason: 'Artwork changed', by: 'brand' }],
  });
  expect(canceled).toMatchObject({ state: 'canceled', cancelReason: 'Artwork changed' });
  await fakes.until(() => fakes.emails.some((e) => e.kind === 'canceled'));
  expect(fakes.log).toContain('removeArtifacts');
  // On cancel everything under the workorder goes, batch parts included, in one removeArtifacts.
  expect(fakes.log).not.toContain('removeBatchParts');
  expect(fakes.emails).toEqual([{ kind: 'created' }, { kind: 'canceled', reason: 'Artwork changed' }]);
  await handle.executeUpdate(messages.archiveUpdate, { args: [] });
  expect(await handle.result()).toMatchObject({
    state: 'canceled',
    isArchived: true,
    codegenStatus: Codegen.waiting,
  });
});

test('Signals drive the same handlers; one the workorder cannot accept is ignored', async () => {
  const { handle, fakes } = await bed.start({ type: 'SSC', printingPartnerId: 2, quantity: 10 });
  await handle.signal(messages.printerConfirmSignal, PRINTER);
  await fakes.until(() => fakes.last?.state === 'ready to print');
  // qaComplete before printed is refused by its validator: as a Signal it changes nothing.
  await handle.signal(messages.qaCompleteSignal);
  await handle.signal(messages.markPrintedSignal);
  await handle.signal(messages.qaCompleteSignal);
  await handle.signal(messages.archiveSignal);
  const result = await handle.result();
  expect(result).toMatchObject({ state: 'completed', isArchived: true, printer: PRINTER });
  const states = fakes.recorded.map((s) => s.state).filter((state, i, all) => state !== all[i - 1]);
  expect(states).toEqual(['new', 'ready to print', 'printed', 'completed']);
});
