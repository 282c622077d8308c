import { createHash } from 'node:crypto';
import { Context } from '@temporalio/activity';
import type { CodePermutation } from '../codes/permutation';
import type { RenderPool } from '../codes/render-pool';
import { batchRows, codesCsvLine, filesCsvLine, imageFileName } from '../codes/rows';
import type { BatchRef } from '../shared/workorder';
import { batchKeys, packImages, type ArtifactStore } from '../storage/artifacts';
import type { GenerateBatchInput } from './types';

/** Codes rendered between two heartbeats: a few hundred milliseconds of work on two cores. */
const RENDER_SLICE = 1000;

export interface BatchDeps {
  permutation: CodePermutation;
  renderPool: RenderPool;
  artifacts: ArtifactStore;
}

/**
 * Writes one batch's rows and images to the artifact store and returns a small reference. Pure
 * inputs, atomic writes: a retried batch produces the same bytes, and a finished one is not redone.
 */
export async function generateBatch(deps: BatchDeps, input: GenerateBatchInput): Promise<BatchRef> {
  const ctx = Context.current();
  const keys = batchKeys(input.workorderId, input.batchNumber);
  const rows = batchRows(deps.permutation, input.code, input.batchNumber, input.firstSequence, input.count);
  const codesCsv = rows.map(codesCsvLine).join('');
  const rowsSha256 = createHash('sha256').update(codesCsv).digest('hex');
  const ref: BatchRef = {
    batchNumber: input.batchNumber,
    firstSequence: input.firstSequence,
    count: input.count,
    rowsSha256,
  };

  // Without per-code images (large orders), only sequence 1 gets one: the sample.
  const imaged = input.code.withImages ? rows : rows.filter((r) => r.sequenceNumber === 1);
  const done = await Promise.all([keys.codes, keys.files, keys.images].map((k) => deps.artifacts.exists(k)));
  if (done.every(Boolean)) return ref;

  const images: Buffer[] = [];
  for (let start = 0; start < imaged.length; start += RENDER_SLICE) {
    const slice = imaged.slice(start, start + RENDER_SLICE);
    images.push(
      ...(await deps.renderPool.render(
        slice.map((r) => r.url),
        input.code.qr,
        ctx.cancellationSignal,
      )),
    );
    ctx.heartbeat({ rendered: start + slice.length });
  }
  const filesCsv = imaged.map((r) => filesCsvLine(imageFileName(r), r.serialNumber)).join('');

  // The images go in last: their presence marks the batch complete.
  await deps.artifacts.write(keys.codes, codesCsv);
  await deps.artifacts.write(keys.files, filesCsv);
  await deps.artifacts.write(keys.images, packImages(images));
  return ref;
}
