/**
 * The "bare" baseline: the same codes, CSVs, images and zip the service produces, made by calling
 * the project's own functions in one process with no Temporal, no API and no database. Batches run
 * as the workflow runs them (a window of BATCH_WINDOW at a time, default max(2, cores)), each
 * through the real generateBatch activity function under a mock activity context, then the zip is
 * written by the same writer the assembleZip activity uses.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { MockActivityEnvironment } from '@temporalio/testing';
import { generateBatch, type BatchDeps } from '../src/activities/generate-batch';
import { writeWorkorderZip } from '../src/activities/assemble-zip';
import { CodePermutation } from '../src/codes/permutation';
import { createRenderPool } from '../src/codes/render-pool';
import { batchBounds, batchCount, IMAGE_LIMIT, type BatchRef } from '../src/shared/workorder';
import { createLocalArtifactStore } from '../src/storage/local';
import { GENERATOR } from '../src/version';
import { BENCH_CODE } from './render';
import { timed } from './stats';

export async function bareWorkorder(permutation: CodePermutation, quantity: number): Promise<number> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-bare-'));
  const renderPool = createRenderPool({ threads: os.cpus().length });
  const window = Math.max(2, os.cpus().length);
  const code = { ...BENCH_CODE, withImages: quantity <= IMAGE_LIMIT };
  const deps: BatchDeps = { permutation, renderPool, artifacts: createLocalArtifactStore(dir) };
  const workorderId = 1;
  try {
    await renderPool.render(['WARM-UP'], code.qr);
    return await timed(async () => {
      const total = batchCount(quantity);
      const refs: BatchRef[] = [];
      let next = 1;
      const lane = async () => {
        const env = new MockActivityEnvironment();
        while (next <= total) {
          const batchNumber = next++;
          const { firstSequence, count } = batchBounds(quantity, batchNumber);
          refs.push(
            await env.run(generateBatch, deps, {
              workorderId,
              batchNumber,
              firstSequence,
              count,
              code,
              printer: null,
            }),
          );
        }
      };
      await Promise.all(Array.from({ length: window }, lane));
      refs.sort((a, b) => a.batchNumber - b.batchNumber);
      await writeWorkorderZip(deps.artifacts, {
        workorderId,
        batches: refs,
        manifest: {
          workorder: {
            id: workorderId,
            reference: 'bench',
            type: 'SID',
            quantity,
            creationDate: '2000-01-01T00:00:00.000Z',
            company: { id: 1, name: 'Bench' },
            printingPartner: null,
            product: null,
            template: 1,
          },
          code,
          quantity,
          printer: null,
          batches: refs,
          generator: GENERATOR,
        },
      });
    });
  } finally {
    await renderPool.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
