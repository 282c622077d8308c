/**
 * A workorder zip made by the service's own code, without a stack: the batch activity (under
 * Temporal's mock activity context) writes the batches, the zip assembly packs them. What the
 * generator tests read, regenerate and tamper with.
 */
import fs from 'node:fs';
import path from 'node:path';
import { MockActivityEnvironment } from '@temporalio/testing';
import { generateBatch } from '../../src/activities/generate-batch';
import { writeWorkorderZip } from '../../src/activities/assemble-zip';
import { CodePermutation } from '../../src/codes/permutation';
import type { RenderPool } from '../../src/codes/render-pool';
import {
  printedQrSettings,
  secureGraphicSettings,
  workorderSecureGraphicKey,
} from '../../src/codes/secure-graphic';
import {
  batchBounds,
  batchCount,
  IMAGE_LIMIT,
  type BatchRef,
  type CodeSettings,
  type PrinterConfirmation,
} from '../../src/shared/workorder';
import { zipKey } from '../../src/storage/artifacts';
import { createLocalArtifactStore } from '../../src/storage/local';

export const TEST_CODE_KEY = Buffer.alloc(32, 0x5a);
/** The global secure-graphic key of these tests: stands for the worker's, never in a zip. */
export const TEST_SECURE_GRAPHIC_KEY = Buffer.alloc(32, 0x3c);

export const PRESS: PrinterConfirmation = {
  equipment: { id: 3, name: 'Press 600', dpi: 600 },
  substrate: { id: 4, name: 'Label stock' },
  calibration: { id: 5, parameters: { module_size_mm: 0.3, cell_dots: 2, dot_gain: 12 } },
  externalId: 'job-1',
};

export interface ZipSpec {
  workorderId: number;
  quantity: number;
  type: 'SID' | 'SSC';
  codeLayout?: CodeSettings['codeLayout'];
  /** Absent: version 1 drawing (workorders made before per-workorder keys). */
  secureGraphicVersion?: 2;
}

/** Writes workorder-<id>.zip under `dir` (its artifact store) and returns the zip's path. */
export async function makeWorkorderZip(dir: string, renderPool: RenderPool, spec: ZipSpec): Promise<string> {
  const artifacts = createLocalArtifactStore(dir);
  const codeLayout = spec.codeLayout ?? (spec.type === 'SSC' ? 'sg-inside' : 'qr');
  const code: CodeSettings = {
    codeIndexStart: spec.workorderId * 1_000_000,
    serialStart: 1 + spec.workorderId * 10_000,
    urlPrefix: 'https://qr.example.com/q/',
    keyId: 'k1',
    codeLayout,
    withImages: spec.quantity <= IMAGE_LIMIT,
    qr: { errorCorrection: codeLayout === 'sg-inside' ? 'H' : 'M', pixelsPerModule: 4, quietZoneModules: 4 },
    ...(spec.secureGraphicVersion ? { secureGraphicVersion: spec.secureGraphicVersion } : {}),
  };
  const printer = spec.type === 'SSC' ? PRESS : null;
  const deps = {
    permutation: new CodePermutation(TEST_CODE_KEY),
    renderPool,
    artifacts,
    secureGraphicKey: TEST_SECURE_GRAPHIC_KEY,
  };
  const batches: BatchRef[] = [];
  for (let n = 1; n <= batchCount(spec.quantity); n++) {
    const bounds = batchBounds(spec.quantity, n);
    batches.push(
      await new MockActivityEnvironment().run(generateBatch, deps, {
        workorderId: spec.workorderId,
        batchNumber: n,
        ...bounds,
        code,
        printer,
      }),
    );
  }
  // As assembleZip does: the printed settings, and a version 2 SSC manifest carries the workorder's key.
  const graphic = code.secureGraphicVersion === 2 && secureGraphicSettings(code, printer) !== null;
  await writeWorkorderZip(artifacts, {
    workorderId: spec.workorderId,
    batches,
    manifest: {
      workorder: {
        id: spec.workorderId,
        reference: `test ${spec.workorderId}`,
        type: spec.type,
        quantity: spec.quantity,
        creationDate: '2026-12-01T00:00:00.000Z',
        company: { id: 1, name: 'Brand' },
        printingPartner: printer ? { id: 2, name: 'Printer' } : null,
        product: null,
        template: null,
      },
      code: { ...code, qr: printedQrSettings(code, printer) },
      quantity: spec.quantity,
      printer,
      batches,
      generator: { name: 'workorder-service', version: 'test' },
      workorderSecureGraphicKey: graphic
        ? workorderSecureGraphicKey(TEST_SECURE_GRAPHIC_KEY, spec.workorderId)
        : null,
    },
  });
  const file = path.join(dir, `workorder-${spec.workorderId}.zip`);
  fs.renameSync(path.join(dir, ...zipKey(spec.workorderId).split('/')), file);
  return file;
}
