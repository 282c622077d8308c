/**
 * Regenerates a workorder's zip from scratch, outside Temporal, into a fresh artifact directory:
 * the reference a test compares the service's zip against, byte for byte.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { MockActivityEnvironment } from '@temporalio/testing';
import { createCodegenActivities } from '../../src/activities';
import { workorderInput } from '../../src/workorders/workflow-input';
import { CodePermutation } from '../../src/codes/permutation';
import { createRenderPool } from '../../src/codes/render-pool';
import { deriveSecureGraphicKey } from '../../src/codes/secure-graphic';
import { loadConfig, resolveSecrets } from '../../src/config';
import { batchBounds, batchCount, type BatchRef, type PrinterConfirmation } from '../../src/shared/workorder';
import { createLocalArtifactStore } from '../../src/storage/local';
import { openStore, repositories } from '../../src/store';
import { GENERATOR } from '../../src/version';

export async function regenerateZip(
  stackEnv: Record<string, string>,
  workorderId: number,
  printer: PrinterConfirmation | null = null,
): Promise<Buffer> {
  const config = loadConfig(stackEnv);
  const store = await openStore(config.databaseUrl);
  const artifactsDir = fs.mkdtempSync(path.join(os.tmpdir(), 'workorder-regen-'));
  const renderPool = createRenderPool({ threads: 2 });
  try {
    const repos = repositories(store);
    const activities = createCodegenActivities({
      repos,
      artifacts: createLocalArtifactStore(artifactsDir),
      renderPool,
      permutation: new CodePermutation(resolveSecrets(config).codeKey),
      secureGraphicKey: deriveSecureGraphicKey(resolveSecrets(config).codeKey),
      generator: GENERATOR,
    });
    const row = await repos.workorders.byId(workorderId);
    const company = row && (await repos.companies.byId(row.company_id));
    if (!row || !company) throw new Error(`no workorder ${workorderId}`);
    const code = workorderInput(row, company, config).code;
    const env = new MockActivityEnvironment();
    const batches: BatchRef[] = [];
    for (let n = 1; n <= batchCount(row.quantity); n++) {
      const { firstSequence, count } = batchBounds(row.quantity, n);
      const ref: BatchRef = await env.run(activities.generateBatch, {
        workorderId,
        batchNumber: n,
        firstSequence,
        count,
        code,
        printer,
      });
      batches.push(ref);
    }
    const zip: { key: string } = await env.run(activities.assembleZip, {
      workorderId,
      code,
      printer,
      batches,
    });
    return fs.readFileSync(path.join(artifactsDir, ...zip.key.split('/')));
  } finally {
    await renderPool.close();
    await store.close();
    fs.rmSync(artifactsDir, { recursive: true, force: true });
  }
}
