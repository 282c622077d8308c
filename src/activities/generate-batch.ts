import { createHash } from 'node:crypto';
import { ApplicationFailure, Context } from '@temporalio/activity';
import type { CodePermutation } from '../codes/permutation';
import type { RenderPool } from '../codes/render-pool';
import { batchRows, codesCsvLine, filesCsvLine, imageFileName } from '../codes/rows';
import {
  printedQrSettings,
  secureGraphicSeeds,
  secureGraphicSettings,
  seedKeyFor,
} from '../codes/secure-graphic';
import type { BatchRef } from '../shared/workorder';
import { batchKeys, packImages, type ArtifactStore } from '../storage/artifacts';
import type { GenerateBatchesInput, GenerateBatchInput } from './types';

/** Codes rendered between two heartbeats: a few hundred milliseconds of work on two cores. */
const RENDER_SLICE = 1000;

export interface BatchDeps {
  permutation: CodePermutation;
  renderPool: RenderPool;
  artifacts: ArtifactStore;
  /** Derived from the code key (deriveSecureGraphicKey); needed for SSC codes only. */
  secureGraphicKey?: Buffer;
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
  const done = await Promise.all([keys.codes, keys.files, keys.images].map((k) => deps.artifacts.head(k)));
  if (done.every(Boolean)) return ref;

  // SSC: printed at the confirmed press's resolution, each image with its code's secure graphic.
  const qr = printedQrSettings(input.code, input.printer);
  const graphic = secureGraphicSettings(input.code, input.printer);
  if (graphic && !deps.secureGraphicKey) {
    throw ApplicationFailure.nonRetryable(
      'This worker has no secure-graphic key; SSC codes cannot be rendered.',
    );
  }
  // The company's fairness key, which the activity inherits from its workflow's start: the render
  // threads serve companies in turn, and each company's batches in the order they were scheduled.
  const share = { tenant: ctx.info.priority?.fairnessKey ?? '', since: ctx.info.scheduledTimestampMs };
  const seedKey = deps.secureGraphicKey && seedKeyFor(input.code, input.workorderId, deps.secureGraphicKey);
  const images: Buffer[] = [];
  for (let start = 0; start < imaged.length; start += RENDER_SLICE) {
    const slice = imaged.slice(start, start + RENDER_SLICE);
    const secureGraphic =
      graphic && seedKey
        ? {
            settings: graphic,
            seeds: secureGraphicSeeds(
              seedKey,
              slice.map((r) => r.extendedId),
            ),
          }
        : undefined;
    images.push(
      ...(await deps.renderPool.render(
        slice.map((r) => r.url),
        qr,
        { signal: ctx.cancellationSignal, secureGraphic, share },
      )),
    );
    ctx.heartbeat({ rendered: start + slice.length });
  }
  const filesCsv = imaged.map((r) => filesCsvLine(imageFileName(r), r.serialNumber)).join('');

  // The images go in last: their presence marks the batch complete.
  await deps.artifacts.put(keys.codes, codesCsv);
  await deps.artifacts.put(keys.files, filesCsv);
  await deps.artifacts.put(keys.images, packImages(images));
  return ref;
}

/**
 * Several consecutive batches in one activity, for orders without per-code images, whose batches
 * are too light to pay a round trip through Temporal each. Every batch is still written and
 * referenced on its own; a retry skips the batches already complete.
 */
export async function generateBatches(deps: BatchDeps, input: GenerateBatchesInput): Promise<BatchRef[]> {
  const ctx = Context.current();
  const refs: BatchRef[] = [];
  for (const batch of input.batches) {
    if (ctx.cancellationSignal.aborted) throw ctx.cancellationSignal.reason;
    refs.push(
      await generateBatch(deps, {
        workorderId: input.workorderId,
        ...batch,
        code: input.code,
        printer: input.printer,
      }),
    );
    ctx.heartbeat({ batchesDone: refs.length });
  }
  return refs;
}
