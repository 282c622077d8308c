/**
 * Webhook delivery latency (docs/webhooks.md, docs/performance.md): BENCH_WEBHOOK_ENDPOINTS
 * endpoints (default 10, as several integrations of one brand) subscribe to the events of SID
 * orders created at a steady pace (created, codes_ready, completed: three per order), so that
 * BENCH_WEBHOOK_RATE events/s (default 50) are delivered for BENCH_WEBHOOK_SECONDS (default 20)
 * while the service generates only a few orders a second: the figure is the delivery pipeline's,
 * not a 2-core machine saturated by code generation. A real HTTP receiver on loopback records when
 * each arrives. Latency is arrival minus the event's own `timestamp` (when the change was
 * recorded). `node dist/bench/webhooks.js` runs this part alone.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Stack } from '../test/support/stack';
import { startTestTemporal } from '../test/support/temporal-server';
import { WebhookReceiver } from '../test/support/webhook-receiver';
import { log, percentile, round } from './stats';
import { api, createWorkorder, type Auth } from './workorders';

const RATE = Number(process.env.BENCH_WEBHOOK_RATE ?? 50);
const SECONDS = Number(process.env.BENCH_WEBHOOK_SECONDS ?? 20);
const ENDPOINTS = Math.max(1, Number(process.env.BENCH_WEBHOOK_ENDPOINTS ?? 10));
const EVENTS_PER_ORDER = 3;

/** What the stack needs for the benchmark's loopback receiver. */
export const WEBHOOK_BENCH_ENV = { WEBHOOK_ALLOW_HTTP: '1', WEBHOOK_ALLOW_PRIVATE: '1' };

export interface WebhookFigures {
  targetEventsPerSecond: number;
  seconds: number;
  endpoints: number;
  /** Events the orders made, and how many arrived. */
  expected: number;
  events: number;
  /** Events received per second over the sending window. */
  receivedPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  duplicates: number;
}

export async function benchWebhooks(stack: Stack, auth: Auth): Promise<WebhookFigures> {
  const receiver = await WebhookReceiver.create();
  await receiver.up();
  try {
    for (let i = 1; i <= ENDPOINTS; i++) {
      const endpoint = await api(stack, auth, 'POST', '/api/v2/webhooks/', {
        url: `${receiver.url}/${i}`,
        events: ['workorder.created', 'workorder.codes_ready', 'workorder.completed'],
      });
      if (endpoint.status !== 201)
        throw new Error(`endpoint: ${endpoint.status} ${JSON.stringify(endpoint.body)}`);
    }
    const perOrder = EVENTS_PER_ORDER * ENDPOINTS;
    const orders = Math.max(1, Math.round((RATE * SECONDS) / perOrder));
    const everyMs = (1000 * perOrder) / RATE;
    const started = Date.now();
    const creates: Array<Promise<unknown>> = [];
    for (let i = 0; i < orders; i++) {
      const due = started + i * everyMs;
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, due - Date.now())));
      creates.push(
        createWorkorder(stack, auth, 1).then((r) => {
          if (r.status !== 201) throw new Error(`create: ${r.status}`);
        }),
      );
    }
    await Promise.all(creates);
    const expected = orders * perOrder;
    // A machine that cannot keep up shows it in the figures (events short of expected), not a crash.
    await receiver.until((r) => r.length >= expected, 300_000).catch((err: Error) => log(err.message));
    const window = (Date.now() - started) / 1000;
    const latencies = receiver.received
      .map((w) => w.at - Date.parse((JSON.parse(w.body) as { timestamp: string }).timestamp))
      .sort((a, b) => a - b);
    // An event goes to every endpoint with the same webhook-id: a duplicate is one endpoint's twice.
    const ids = receiver.received.map((w) => `${w.url} ${w.headers['webhook-id']}`);
    const figures: WebhookFigures = {
      targetEventsPerSecond: RATE,
      seconds: SECONDS,
      endpoints: ENDPOINTS,
      expected,
      events: receiver.received.length,
      receivedPerSecond: receiver.received.length / window,
      p50Ms: percentile(latencies, 50),
      p99Ms: percentile(latencies, 99),
      maxMs: latencies[latencies.length - 1],
      duplicates: ids.length - new Set(ids).size,
    };
    log(
      `webhooks: ${figures.events} events, p50 ${figures.p50Ms} ms, p99 ${figures.p99Ms} ms, max ${figures.maxMs} ms`,
    );
    return figures;
  } finally {
    await receiver.down();
  }
}

export function webhookLines(f: WebhookFigures): string[] {
  return [
    `| Webhook delivery, event → receiver, ${f.targetEventsPerSecond} events/s to ${f.endpoints} endpoints for ${f.seconds} s (${f.events} of ${f.expected} events, ${round(f.receivedPerSecond, 1)}/s received) | p50 ${round(f.p50Ms, 0)} ms, p99 ${round(f.p99Ms, 0)} ms, max ${round(f.maxMs, 0)} ms; ${f.duplicates} duplicates |`,
  ];
}

async function main(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-temporal-'));
  const server = await startTestTemporal(path.join(dir, 'temporal.db'));
  const stack = await Stack.create({
    temporalAddress: server.address,
    env: { THROTTLE_PER_MINUTE: '100000000', ...WEBHOOK_BENCH_ENV },
  });
  try {
    await stack.start();
    const brand = await stack.fixtures.brandOwner('Webhook Bench', [
      'workorder_view',
      'workorder_create',
      'webhook_manage',
    ]);
    const auth: Auth = {
      token: brand.token,
      templateId: (await stack.fixtures.sidTemplate(brand.company, 'T')).id,
    };
    const figures = await benchWebhooks(stack, auth);
    console.log(JSON.stringify(figures, null, 2));
    console.log(['| Measure | Result |', '| --- | --- |', ...webhookLines(figures)].join('\n'));
  } finally {
    await stack.stop();
    await server.teardown();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

if (require.main === module) {
  main().catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
}
