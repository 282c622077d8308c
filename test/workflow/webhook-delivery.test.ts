/**
 * The webhook delivery workflow's decisions, in-process on the run's dev server with fake
 * activities (the real ones are tested in test/unit/webhooks and test/integration/webhooks):
 * deliveries go one at a time in order, a failing one holds back the later ones and is retried
 * with backoff, and once the give-up window closes the endpoint is given up and the stream moves on.
 * Windows are seconds here (6 s) (no time skipping, see test-bed.ts); production's is 3 days.
 */
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { ApplicationFailure } from '@temporalio/common';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { DefaultLogger, Runtime, Worker } from '@temporalio/worker';
import type { WebhookActivities } from '../../src/activities/types';
import {
  WEBHOOK_DELIVERY_WORKFLOW,
  webhookPendingSignal,
  type WebhookRetrySettings,
} from '../../src/shared/webhooks';
import type { webhookDeliveryWorkflow } from '../../src/workflows/webhook-delivery';

const SETTINGS: WebhookRetrySettings = {
  // The server retries no sooner than a second apart; the backoff is 1 s, 2 s, 2 s...
  initialInterval: '1 second',
  maximumInterval: '2 seconds',
  giveUpAfter: '6 seconds',
  idleFor: '2 seconds',
};

/** One stream's deliveries as the database would hold them, and what the activities were asked. */
class Stream {
  pending: number[] = [];
  /** Attempts each delivery fails before it is accepted (Infinity: never). */
  failures = new Map<number, number>();
  readonly attempts: number[] = [];
  readonly delivered: number[] = [];
  readonly gaveUp: number[] = [];
}

let env: TestWorkflowEnvironment;
let worker: Worker;
let running: Promise<void>;
const taskQueue = `webhook-test-${randomUUID()}`;
const streams = new Map<number, Stream>();
const ofDelivery = (deliveryId: number) => streams.get(Math.floor(deliveryId / 100))!;

beforeAll(async () => {
  Runtime.install({ logger: new DefaultLogger('WARN') });
  env = await TestWorkflowEnvironment.createFromExistingServer({
    address: process.env.TEMPORAL_TEST_ADDRESS!,
    namespace: process.env.TEMPORAL_TEST_NAMESPACE ?? 'default',
  });
  const activities: WebhookActivities = {
    webhookSettings: async () => SETTINGS,
    nextWebhookDelivery: async ({ workorderId }) => {
      const next = streams.get(workorderId)!.pending[0];
      return next === undefined ? null : { deliveryId: next };
    },
    deliverWebhook: async ({ deliveryId }) => {
      const stream = ofDelivery(deliveryId);
      stream.attempts.push(deliveryId);
      const left = stream.failures.get(deliveryId) ?? 0;
      if (left > 0) {
        stream.failures.set(deliveryId, left - 1);
        throw ApplicationFailure.retryable('The endpoint answered 503.');
      }
      stream.delivered.push(deliveryId);
      stream.pending = stream.pending.filter((id) => id !== deliveryId);
      return 'delivered';
    },
    webhookGaveUp: async ({ deliveryId }) => {
      const stream = ofDelivery(deliveryId);
      stream.gaveUp.push(deliveryId);
      stream.pending = stream.pending.filter((id) => id !== deliveryId);
    },
  };
  worker = await Worker.create({
    connection: env.nativeConnection,
    namespace: env.namespace,
    taskQueue,
    workflowBundle: { codePath: path.resolve(__dirname, '../../dist/workflow-bundle.js') },
    activities,
  });
  running = worker.run();
});

afterAll(async () => {
  worker?.shutdown();
  await running;
  await env?.teardown();
});

let nextWorkorder = 0;
async function startStream(pending: number, failures: Record<number, number> = {}) {
  const workorderId = ++nextWorkorder;
  const stream = new Stream();
  stream.pending = Array.from({ length: pending }, (_, i) => workorderId * 100 + i + 1);
  for (const [i, n] of Object.entries(failures)) stream.failures.set(workorderId * 100 + Number(i), n);
  streams.set(workorderId, stream);
  const handle = await env.client.workflow.start<typeof webhookDeliveryWorkflow>(WEBHOOK_DELIVERY_WORKFLOW, {
    workflowId: `${taskQueue}-${workorderId}`,
    taskQueue,
    args: [{ endpointId: 1, workorderId }],
  });
  return { stream, handle, first: workorderId * 100 + 1 };
}

describe('webhook delivery workflow', () => {
  test('a failing delivery is retried and holds back the later ones; all arrive in order', async () => {
    const { stream, handle, first } = await startStream(3, { 1: 2 });
    await handle.signal(webhookPendingSignal);
    expect(await handle.result()).toBe(3);
    expect(stream.delivered).toEqual([first, first + 1, first + 2]);
    // Two refusals, then accepted; nothing later was tried before it.
    expect(stream.attempts).toEqual([first, first, first, first + 1, first + 2]);
    expect(stream.gaveUp).toEqual([]);
  });

  test('a delivery failing for the whole window is given up, and the stream goes on', async () => {
    const { stream, handle, first } = await startStream(2, { 1: Infinity });
    const started = Date.now();
    expect(await handle.result()).toBe(1);
    expect(stream.gaveUp).toEqual([first]);
    expect(stream.delivered).toEqual([first + 1]);
    // Backoff: a few attempts over the 6-second window (at 0, 1, 3, 5 s), not one a second.
    const tries = stream.attempts.filter((id) => id === first).length;
    expect(tries).toBeGreaterThanOrEqual(3);
    expect(tries).toBeLessThanOrEqual(5);
    expect(Date.now() - started).toBeGreaterThanOrEqual(6000);
  });

  test('an idle stream waits for the next event and is woken by the signal', async () => {
    const { stream, handle, first } = await startStream(1);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(stream.delivered).toEqual([first]);
    stream.pending.push(first + 1);
    await handle.signal(webhookPendingSignal);
    expect(await handle.result()).toBe(2);
    expect(stream.delivered).toEqual([first, first + 1]);
  });
});
