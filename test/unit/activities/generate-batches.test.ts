/**
 * generateBatches (several CSV-only batches in one activity) against generateBatch one batch at a
 * time: the same files, byte for byte, a heartbeat after each batch, and a cancel between batches
 * that leaves the finished batches in place. Real artifact store (a temporary directory) and a real
 * render pool; only the activity context is Temporal's mock.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CancelledFailure } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import { generateBatch, generateBatches, type BatchDeps } from '../../../src/activities/generate-batch';
import { CodePermutation } from '../../../src/codes/permutation';
import { createRenderPool, type RenderPool } from '../../../src/codes/render-pool';
import type { BatchRef, CodeSettings } from '../../../src/shared/workorder';
import { batchKeys } from '../../../src/storage/artifacts';
import { createLocalArtifactStore } from '../../../src/storage/local';
import { renderWorkerFile } from '../../support/render-worker';

const code: CodeSettings = {
  codeIndexStart: 7_000,
  serialStart: 1,
  urlPrefix: 'https://qr.example.com/q/',
  keyId: 'k1',
  codeLayout: 'qr',
  withImages: false,
  qr: { errorCorrection: 'M', pixelsPerModule: 4, quietZoneModules: 4 },
};
const WORKORDER = 42;
// Small batches keep the test quick; the activity does not care about their size.
const BATCHES = [1, 2, 3].map((n) => ({ batchNumber: n, firstSequence: (n - 1) * 300 + 1, count: 300 }));

let renderPool: RenderPool;
const dirs: string[] = [];
const permutation = new CodePermutation(Buffer.alloc(32, 0x5a));

function deps(): BatchDeps & { root: string } {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'generate-batches-'));
  dirs.push(root);
  return { root, permutation, renderPool, artifacts: createLocalArtifactStore(root) };
}

function files(root: string, batchNumber: number): Buffer[] {
  const keys = batchKeys(WORKORDER, batchNumber);
  return [keys.codes, keys.files, keys.images].map((k) => fs.readFileSync(path.join(root, k)));
}

beforeAll(() => {
  renderPool = createRenderPool({ threads: 1, workerFile: renderWorkerFile() });
});

afterAll(async () => {
  await renderPool.close();
  for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
});

test('writes each batch exactly as generateBatch does, and heartbeats after each one', async () => {
  const grouped = deps();
  const env = new MockActivityEnvironment();
  const heartbeats: unknown[] = [];
  env.on('heartbeat', (d: unknown) => heartbeats.push(d));
  const refs: BatchRef[] = await env.run(generateBatches, grouped, {
    workorderId: WORKORDER,
    batches: BATCHES,
    code,
    printer: null,
  });
  expect(heartbeats).toContainEqual({ batchesDone: 3 });
  expect(heartbeats.filter((h) => (h as { batchesDone?: number }).batchesDone)).toEqual([
    { batchesDone: 1 },
    { batchesDone: 2 },
    { batchesDone: 3 },
  ]);

  const single = deps();
  for (const [i, batch] of BATCHES.entries()) {
    const ref = await new MockActivityEnvironment().run(generateBatch, single, {
      workorderId: WORKORDER,
      ...batch,
      code,
      printer: null,
    });
    expect(refs[i]).toEqual(ref);
    expect(files(grouped.root, batch.batchNumber)).toEqual(files(single.root, batch.batchNumber));
  }
  // Sequence 1 is the order's one sample image; the other batches have none.
  expect(files(grouped.root, 1)[1].toString()).toMatch(/^[^\n]+\.png,\d+\n$/);
  expect(files(grouped.root, 2)[1].toString()).toBe('');
});

test('a cancel between batches stops the activity; a retry finishes the rest with the same bytes', async () => {
  const store = deps();
  const env = new MockActivityEnvironment();
  env.on('heartbeat', (d: { batchesDone?: number }) => {
    if (d.batchesDone === 1) env.cancel();
  });
  await expect(
    env.run(generateBatches, store, { workorderId: WORKORDER, batches: BATCHES, code, printer: null }),
  ).rejects.toBeInstanceOf(CancelledFailure);
  expect(fs.existsSync(path.join(store.root, batchKeys(WORKORDER, 1).images))).toBe(true);
  expect(fs.existsSync(path.join(store.root, batchKeys(WORKORDER, 2).codes))).toBe(false);
  const first = files(store.root, 1);

  const refs: BatchRef[] = await new MockActivityEnvironment().run(generateBatches, store, {
    workorderId: WORKORDER,
    batches: BATCHES,
    code,
    printer: null,
  });
  expect(refs.map((r) => r.batchNumber)).toEqual([1, 2, 3]);
  expect(files(store.root, 1)).toEqual(first);
  const fresh = deps();
  await new MockActivityEnvironment().run(generateBatches, fresh, {
    workorderId: WORKORDER,
    batches: BATCHES,
    code,
    printer: null,
  });
  for (const { batchNumber } of BATCHES) {
    expect(files(store.root, batchNumber)).toEqual(files(fresh.root, batchNumber));
  }
});
