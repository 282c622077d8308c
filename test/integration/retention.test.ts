/**
 * Retention (docs/operations.md, Retention) on a stack with retention in seconds: batch parts go
 * once the zip is assembled; the sweep, a Temporal Schedule operators can pause, expires
 * idempotency keys and removes the zips of archived workorders; the next download answers 202 and
 * the zip comes back byte-identical. Real worker, API, Temporal and database; nothing is mocked.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { RETENTION_SWEEP_WORKFLOW, retentionScheduleIdFor } from '../../src/shared/retention';
import type { Workorder } from '../support/api-client';
import type { Caller } from '../support/fixtures';
import { Stack } from '../support/stack';

const CREATE = '/api/v2/workorders/create-from-template/';
const QUANTITY = 10_050; // two batches

let stack: Stack;
let brand: Caller;
let templateId: number;

beforeAll(async () => {
  stack = await (
    await Stack.create({
      env: { IDEMPOTENCY_TTL: '3s', ARTIFACT_RETENTION: '2s', RETENTION_SWEEP_EVERY: '1s' },
    })
  ).start();
  brand = await stack.fixtures.brandOwner('Retained Brand');
  templateId = (await stack.fixtures.sidTemplate(brand.company, 'SID')).id;
});

afterAll(async () => {
  // The schedule outlives the stack on the shared dev server: it goes with it.
  await stack
    ?.temporal((client) => client.schedule.getHandle(retentionScheduleIdFor(stack.env.TASK_QUEUE)).delete())
    .catch(() => undefined);
  await stack?.destroy();
});

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const artifactPath = (...parts: string[]) => path.join(stack.dataDir, 'artifacts', ...parts);

/** Polls `check` until it holds, or fails naming `what` after `timeoutMs`. */
async function eventually(what: string, check: () => Promise<boolean> | boolean, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await sleep(200);
  }
  throw new Error(`timed out waiting until ${what}; logs:\n${stack.logs.slice(-20).join('')}`);
}

const row = (id: number) =>
  stack.store.db.selectFrom('workorders').selectAll().where('id', '=', id).executeTakeFirstOrThrow();

describe('the retention sweep', () => {
  test('is a Temporal Schedule on the orchestration queue, at RETENTION_SWEEP_EVERY', async () => {
    const description = await stack.temporal((client) =>
      client.schedule.getHandle(retentionScheduleIdFor(stack.env.TASK_QUEUE)).describe(),
    );
    expect(description.action).toMatchObject({
      type: 'startWorkflow',
      workflowType: RETENTION_SWEEP_WORKFLOW,
      taskQueue: stack.env.TASK_QUEUE,
    });
    expect(description.spec.intervals).toEqual([{ every: 1000 }]);
    expect(description.policies.overlap).toBe('SKIP');
  });

  test('an operator pause survives a worker restart (created or updated idempotently)', async () => {
    const id = retentionScheduleIdFor(stack.env.TASK_QUEUE);
    await stack.temporal((client) => client.schedule.getHandle(id).pause('operator: maintenance'));
    await stack.restartWorker();
    const paused = await stack.temporal((client) => client.schedule.getHandle(id).describe());
    expect(paused.state.paused).toBe(true);
    expect(paused.state.note).toBe('operator: maintenance');
    await stack.temporal((client) => client.schedule.getHandle(id).unpause('resumed'));
  });
});

describe('idempotency keys', () => {
  test('expire after IDEMPOTENCY_TTL: the same key is then a new request', async () => {
    const key = { 'Idempotency-Key': 'order-2024-001' };
    const body = { template: templateId, quantity: 1, reference: 'FIRST' };
    const first = await brand.client.post<Workorder>(CREATE, body, key);
    expect(first.status).toBe(201);
    const reused = await brand.client.post(CREATE, { ...body, reference: 'SECOND' }, key);
    expect(reused.status).toBe(422);
    await eventually('the sweep deletes the expired key', async () => {
      const keys = await stack.store.db.selectFrom('idempotency_keys').select('idempotency_key').execute();
      return !keys.some((k) => k.idempotency_key === 'order-2024-001');
    });
    const later = await brand.client.post<Workorder>(CREATE, { ...body, reference: 'SECOND' }, key);
    expect(later.status).toBe(201);
    expect(later.body.id).not.toBe(first.body.id);
    expect(later.headers.get('idempotent-replayed')).toBeNull();
  });
});

describe('artifacts', () => {
  let workorder: Workorder;
  let zip: Buffer;

  test('batch parts are deleted once the zip is assembled; the zip and serial numbers stay', async () => {
    const created = await brand.client.post<Workorder>(CREATE, {
      template: templateId,
      quantity: QUANTITY,
      reference: 'RETAINED',
    });
    expect(created.status).toBe(201);
    workorder = await brand.client.waitFor(created.body.id, (w) => w.state === 'completed');
    const dir = artifactPath('workorders', String(workorder.id));
    await eventually('the batch parts are removed', () => !fs.existsSync(path.join(dir, 'batches')));
    expect(fs.readdirSync(dir).sort()).toEqual(
      [`workorder-${workorder.id}.zip`, 'serial-numbers.csv'].sort(),
    );
    const download = await brand.client.bytes(`/api/v2/workorders/${workorder.id}/download/`);
    expect(download.status).toBe(200);
    zip = download.data;
  });

  test('an archived workorder loses its zip after ARTIFACT_RETENTION; the download rebuilds it byte-identical', async () => {
    expect((await brand.client.post(`/api/v2/workorders/${workorder.id}/archive/`)).status).toBe(200);
    await eventually(
      'the sweep removes the zip',
      async () => (await row(workorder.id)).zip_removed_at !== null,
    );
    const dir = artifactPath('workorders', String(workorder.id));
    await eventually(
      'its files are gone',
      () => !fs.existsSync(path.join(dir, `workorder-${workorder.id}.zip`)),
    );

    const url = `/api/v2/workorders/${workorder.id}/download/`;
    const first = await brand.client.get(url);
    expect(first.status).toBe(202);
    expect(first.body).toEqual({ detail: expect.stringContaining('being rebuilt'), code: 'rebuilding' });
    expect(Number(first.headers.get('retry-after'))).toBeGreaterThan(0);

    let rebuilt: { status: number; headers: Headers; data: Buffer } | undefined;
    await eventually(
      'the rebuilt zip is served',
      async () => {
        rebuilt = await brand.client.bytes(url);
        expect([200, 202]).toContain(rebuilt.status);
        return rebuilt.status === 200;
      },
      180_000,
    );
    expect(sha256(rebuilt!.data)).toBe(sha256(zip));
    expect(rebuilt!.data.equals(zip)).toBe(true);
    expect(rebuilt!.headers.get('etag')).toBe(`"${sha256(zip)}"`);
    expect(fs.existsSync(path.join(dir, 'batches'))).toBe(false);
    const after = await row(workorder.id);
    expect(after.zip_removed_at).toBeNull();
    expect(after.zip_rebuilt_at).toEqual(expect.any(String));

    // The serial numbers, removed with the zip, are made again on demand.
    const serials = await brand.client.bytes(`/api/v2/workorders/${workorder.id}/serial-numbers/`);
    expect(serials.status).toBe(200);
  });

  test('an order without images (120,000 codes, batches five to an activity) rebuilds byte-identical too', async () => {
    const created = await brand.client.post<Workorder>(CREATE, {
      template: templateId,
      quantity: 120_000,
      reference: 'RETAINED-CSV',
    });
    expect(created.status).toBe(201);
    const large = await brand.client.waitFor(created.body.id, (w) => w.state === 'completed', 180_000);
    const url = `/api/v2/workorders/${large.id}/download/`;
    const original = await brand.client.bytes(url);
    expect(original.status).toBe(200);
    expect((await brand.client.post(`/api/v2/workorders/${large.id}/archive/`)).status).toBe(200);
    await eventually('the sweep removes the zip', async () => (await row(large.id)).zip_removed_at !== null);
    expect((await brand.client.get(url)).status).toBe(202);
    let rebuilt: { status: number; data: Buffer } | undefined;
    await eventually(
      'the rebuilt zip is served',
      async () => {
        rebuilt = await brand.client.bytes(url);
        return rebuilt.status === 200;
      },
      180_000,
    );
    expect(rebuilt!.data.equals(original.data)).toBe(true);
  });
});
