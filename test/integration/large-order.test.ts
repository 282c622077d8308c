/**
 * Orders above 100,000 codes: CSV plus one sample image, and a workflow that continues as new
 * before its history grows long — here forced early with a small HISTORY_EVENTS_PER_RUN.
 */
import fs from 'node:fs';
import path from 'node:path';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import { isValidExtendedId } from '../../src/codes/alphabet';
import { workflowIdFor } from '../../src/shared/workorder';
import type { Workorder } from '../support/api-client';
import { decodeQrPng } from '../support/qr';
import { regenerateZip } from '../support/regenerate';
import { Stack } from '../support/stack';
import { readZip } from '../support/zip';

const QUANTITY = 300_001; // 31 batches, the last of one code: seven generateBatches activities
let stack: Stack;

beforeAll(async () => {
  // Two activities of five batches in flight, and a new run after a few events: several runs.
  stack = await (await Stack.create({ env: { BATCH_WINDOW: '1', HISTORY_EVENTS_PER_RUN: '20' } })).start();
});

afterAll(async () => {
  await stack?.destroy();
});

test('a 300,001-code order continues as new, completes once, and ships the CSV with one sample image', async () => {
  const brand = await stack.fixtures.brandOwner('Big Brand');
  const template = await stack.fixtures.sidTemplate(brand.company, 'T');
  const created = await brand.client.post<Workorder>('/api/v2/workorders/create-from-template/', {
    template: template.id,
    quantity: String(QUANTITY),
  });
  expect(created.status).toBe(201);
  const { id } = created.body;
  const done = await brand.client.waitFor(id, (w) => w.state === 'completed', 240_000);
  expect(done.progress).toEqual({ codes_generated: QUANTITY, batches_completed: 31, batches_total: 31 });

  await stack.temporal(async (client) => {
    const runs = [];
    for await (const run of client.workflow.list({ query: `WorkflowId = "${workflowIdFor(id)}"` }))
      runs.push(run);
    expect(runs.length).toBeGreaterThan(1);
    expect(runs.filter((r) => r.status.name === 'CONTINUED_AS_NEW').length).toBe(runs.length - 1);
    for (const run of runs) expect(run.historyLength).toBeLessThan(200);
    if (process.env.RECORD_HISTORIES === '1') {
      // The first run (continued as new mid-generation) and the last (completed, waiting for archive).
      runs.sort((a, b) => a.startTime.getTime() - b.startTime.getTime());
      const save = async (runId: string, name: string) => {
        const history = await client.workflow.getHandle(workflowIdFor(id), runId).fetchHistory();
        fs.writeFileSync(path.resolve(__dirname, `../histories/${name}.json`), historyToJSON(history));
      };
      await save(runs[0].runId, 'csv-only-first-run');
      await save(runs[runs.length - 1].runId, 'csv-only-last-run');
    }
  });

  const downloaded = (await brand.client.bytes(`/api/v2/workorders/${id}/download/`)).data;
  // Batches went several to an activity here; regenerated one batch at a time, the zip is the same.
  expect(downloaded.equals(await regenerateZip(stack.env, id))).toBe(true);
  const zip = await readZip(downloaded);
  const rows = (zip.get('codes.csv') as Buffer).toString('utf8').trimEnd().split('\n').slice(1);
  expect(rows).toHaveLength(QUANTITY);
  const ids = new Set(rows.map((r) => r.split(',')[0]));
  expect(ids.size).toBe(QUANTITY);
  expect([...ids].every(isValidExtendedId)).toBe(true);
  rows.forEach((r, i) => expect(Number(r.split(',')[2])).toBe(i + 1));

  const images = [...zip.keys()].filter((k) => k.startsWith('codes/'));
  expect(images).toHaveLength(1);
  const files = (zip.get('files.csv') as Buffer).toString('utf8').trimEnd().split('\n');
  expect(files).toEqual(['file,serial_number', `${images[0]},${rows[0].split(',')[1]}`]);
  expect(decodeQrPng(zip.get(images[0]) as Buffer)).toBe(rows[0].split(',')[5]);
  const manifest = JSON.parse((zip.get('manifest.json') as Buffer).toString('utf8'));
  expect(manifest.qr).toMatchObject({ images: 'one sample', image_count: 1 });
  expect(manifest.batches).toHaveLength(31);
}, 400_000);
