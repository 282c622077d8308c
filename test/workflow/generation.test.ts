/**
 * Code generation under the workflow: a cancel that stops running batches before their files are
 * removed, a failed batch and its retry, and a long generation continuing as new with its state.
 * See test-bed.ts for what is real and what is faked.
 */
import { ApplicationFailure } from '@temporalio/common';
import * as messages from '../../src/shared/messages';
import { Codegen } from '../../src/shared/workorder';
import { PRINTER, runUntilCanceled, WorkflowTestBed } from './test-bed';

let bed: WorkflowTestBed;

beforeAll(async () => {
  bed = await WorkflowTestBed.open();
});

afterAll(async () => {
  await bed?.close();
});

test('a cancel during generation stops the running batches, then removes their files', async () => {
  const { handle, fakes } = await bed.start(
    { type: 'SID', quantity: 30_000 },
    { batchWindow: 2 },
    runUntilCanceled,
  );
  await fakes.until(() => fakes.log.filter((l) => l.endsWith('started')).length === 2);

  const canceled = await handle.executeUpdate(messages.cancelUpdate, {
    args: [{ reason: 'Wrong artwork', by: 'brand' }],
  });
  expect(canceled).toMatchObject({ state: 'canceled', cancelReason: 'Wrong artwork' });
  await fakes.until(() => fakes.log.includes('removeArtifacts'));

  // The files go only after both batches really stopped writing; the third never started.
  expect(fakes.log.slice(0, 2).sort()).toEqual(['batch 1 started', 'batch 2 started']);
  expect(fakes.log.slice(2, 4).sort()).toEqual(['batch 1 canceled', 'batch 2 canceled']);
  expect(fakes.log.slice(4)).toEqual(['removeArtifacts']);
  await handle.executeUpdate(messages.archiveUpdate, { args: [] });
  expect(await handle.result()).toMatchObject({
    state: 'canceled',
    isArchived: true,
    zip: null,
    progress: { batchesCompleted: 0 },
  });
  expect(fakes.emails).toEqual([]);
});

test('a batch that fails for good marks generation failed; a retry generates the rest', async () => {
  let failures = 0;
  const { handle, fakes } = await bed.start(
    { type: 'SID', quantity: 30_000 },
    { batchWindow: 1 },
    async (n) => {
      if (n === 2 && failures++ === 0) throw ApplicationFailure.nonRetryable('Disk full');
    },
  );
  await fakes.until(() => fakes.last?.codegenStatus === Codegen.failed);
  expect(fakes.last).toMatchObject({ state: 'new', failure: 'Disk full' });
  expect(fakes.log).not.toContain('batch 3 started');

  const retried = await handle.executeUpdate(messages.retryGenerationUpdate, { args: [] });
  expect(retried).toMatchObject({ codegenStatus: Codegen.generating, failure: null });
  await fakes.until(() => fakes.last?.state === 'completed');
  expect(fakes.generated).toEqual([1, 2, 3]);
  await handle.executeUpdate(messages.archiveUpdate, { args: [] });
  await handle.result();
});

test('a long generation continues as new, carrying batches, partner notice and snapshot along', async () => {
  const { handle, fakes } = await bed.start(
    { type: 'SSC', printingPartnerId: 2, quantity: 200_000 },
    { batchWindow: 1, continueAsNewAfterEvents: 10 },
  );
  await handle.executeUpdate(messages.printerConfirmUpdate, { args: [PRINTER] });
  await fakes.until(() => fakes.last?.state === 'ready to print');
  await handle.executeUpdate(messages.markPrintedUpdate, { args: [] });
  await handle.executeUpdate(messages.qaCompleteUpdate, { args: [] });
  await handle.executeUpdate(messages.archiveUpdate, { args: [] });
  const result = await handle.result();

  const runs = await bed.runs(handle);
  expect(runs.length).toBeGreaterThan(1);
  // Every batch generated once across the runs, the partner told once, the printer kept.
  expect([...fakes.generated].sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
  expect(fakes.log.filter((l) => l.startsWith('assembleZip'))).toEqual([
    `assembleZip ${Array.from({ length: 20 }, (_, i) => i + 1).join(',')}`,
  ]);
  expect(fakes.emails).toEqual([{ kind: 'created' }, { kind: 'ready' }]);
  expect(result).toMatchObject({
    state: 'completed',
    isArchived: true,
    printer: PRINTER,
    progress: { codesGenerated: 200_000, batchesCompleted: 20, batchesTotal: 20 },
  });
  const revisions = fakes.recorded.map((s) => s.revision);
  expect(revisions).toEqual([...revisions].sort((a, b) => a - b));
});
