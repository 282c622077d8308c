/**
 * A worker killed with SIGKILL in the middle of a batch: after a new worker starts, the workorder
 * completes with exactly the codes and zip an uninterrupted run makes, and no batch counts twice.
 * Once for an order with images (one batch per activity), once for a CSV-only order (five batches
 * per generateBatches activity, killed between or inside them).
 */
import { createHash } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { WorkflowHandle } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { workflowIdFor } from '../../src/shared/workorder';
import type { Workorder } from '../support/api-client';
import { regenerateZip } from '../support/regenerate';
import { Stack } from '../support/stack';

const QUANTITY = 40_000;
let stack: Stack;

/** Activities of this type the server counts as started (handed to a worker, not yet finished). */
async function startedActivities(handle: WorkflowHandle, type: string): Promise<number> {
  const { raw } = await handle.describe();
  return (raw.pendingActivities ?? []).filter(
    (a) =>
      a.activityType?.name === type &&
      a.state === temporal.api.enums.v1.PendingActivityState.PENDING_ACTIVITY_STATE_STARTED,
  ).length;
}

/**
 * kill -9 the worker while an activity of `type` runs. Batches finish in tens of milliseconds, so a
 * kill can land in the gap between two activities; then the worker is started again and the kill
 * retried, until the server still counts an activity as started a moment after the kill: that
 * activity was interrupted and must be retried on the next worker. Returns with the worker down.
 */
async function killWhileActivityRuns(handle: WorkflowHandle, type: string): Promise<void> {
  for (let tries = 0; tries < 10; tries++) {
    const deadline = Date.now() + 60_000;
    while ((await startedActivities(handle, type)) === 0) {
      if (Date.now() > deadline) throw new Error(`no ${type} activity started within 60 s`);
      await sleep(20);
    }
    stack.killWorker();
    await sleep(1000); // let a completion the worker sent just before dying reach the server
    if ((await startedActivities(handle, type)) > 0) return;
    await stack.startWorker();
  }
  throw new Error(`ten kills in a row missed every running ${type} activity`);
}

beforeAll(async () => {
  // One render thread and one batch at a time, so the kill lands while a batch is in flight.
  stack = await (await Stack.create({ env: { BATCH_WINDOW: '1', RENDER_THREADS: '1' } })).start();
});

afterAll(async () => {
  await stack?.destroy();
});

test('a worker killed mid-batch leaves a workorder that completes after restart with the same codes', async () => {
  const brand = await stack.fixtures.brandOwner('Crash Brand');
  const template = await stack.fixtures.sidTemplate(brand.company, 'T');
  const created = await brand.client.post<Workorder>('/api/v2/workorders/create-from-template/', {
    template: template.id,
    quantity: QUANTITY,
  });
  expect([created.status, created.status === 201 ? '' : stack.logs.join('')]).toEqual([201, '']);
  const { id } = created.body;

  const progress = await brand.client.waitFor(id, (w) => w.progress.batches_completed >= 1, 120_000);
  expect(progress.state).toBe('new');
  await stack.temporal(async (client) => {
    const handle = client.workflow.getHandle(workflowIdFor(id));
    await killWhileActivityRuns(handle, 'generateBatch');
    const whileDown = await brand.client.get(`/api/v2/workorders/${id}/`);
    expect(whileDown.status).toBe(200); // served from the database while no worker answers queries
    await stack.startWorker();

    const done = await brand.client.waitFor(id, (w) => w.state === 'completed', 180_000);
    expect(done.progress).toEqual({ codes_generated: QUANTITY, batches_completed: 4, batches_total: 4 });
    const history = await handle.fetchHistory();
    const retried = (history.events ?? []).filter(
      (e) => (e.activityTaskStartedEventAttributes?.attempt ?? 1) > 1,
    );
    expect(retried.length).toBeGreaterThanOrEqual(1); // the killed batch ran again on the new worker
  });

  const download = await brand.client.bytes(`/api/v2/workorders/${id}/download/`);
  expect(download.status).toBe(200);
  const reference = await regenerateZip(stack.env, id);
  const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
  expect(sha(download.data)).toBe(sha(reference));
}, 400_000);

test('a worker killed while CSV-only batches run leaves an order that completes with the same zip', async () => {
  const quantity = 1_000_001; // 101 batches: 21 generateBatches activities, two in flight
  const brand = await stack.fixtures.brandOwner('Big Crash Brand');
  const template = await stack.fixtures.sidTemplate(brand.company, 'T');
  const created = await brand.client.post<Workorder>('/api/v2/workorders/create-from-template/', {
    template: template.id,
    quantity,
  });
  expect(created.status).toBe(201);
  const { id } = created.body;

  const progress = await brand.client.waitFor(id, (w) => w.progress.batches_completed >= 5, 120_000);
  expect(progress.progress.batches_completed).toBeLessThan(101);
  await stack.temporal(async (client) => {
    const handle = client.workflow.getHandle(workflowIdFor(id));
    await killWhileActivityRuns(handle, 'generateBatches');
    await stack.startWorker();

    const done = await brand.client.waitFor(id, (w) => w.state === 'completed', 180_000);
    expect(done.progress).toEqual({ codes_generated: quantity, batches_completed: 101, batches_total: 101 });
    const history = await handle.fetchHistory();
    const events = history.events ?? [];
    const grouped = events.filter(
      (e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'generateBatches',
    );
    expect(grouped).toHaveLength(21);
    const retried = events.filter((e) => (e.activityTaskStartedEventAttributes?.attempt ?? 1) > 1);
    expect(retried.length).toBeGreaterThanOrEqual(1); // the killed activity ran again on the new worker
  });

  const download = await brand.client.bytes(`/api/v2/workorders/${id}/download/`);
  expect(download.status).toBe(200);
  expect(download.data.equals(await regenerateZip(stack.env, id))).toBe(true);
}, 400_000);
