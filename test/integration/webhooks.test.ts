/**
 * Webhooks through the real stack (API, worker, Temporal, SQLite or PostgreSQL) to a real HTTP
 * receiver: endpoints per company with a secret shown once; events of each workorder delivered
 * in order, each `webhook-id` once, signed as the `standardwebhooks` verifier checks, after the
 * receiver was down for a while; the delivery log and redelivery.
 */
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import { Webhook } from 'standardwebhooks';
import { webhookWorkflowIdFor } from '../../src/shared/webhooks';
import type { Json, Page, Workorder } from '../support/api-client';
import type { Caller } from '../support/fixtures';
import { Stack } from '../support/stack';
import { WebhookReceiver, type ReceivedWebhook } from '../support/webhook-receiver';

let stack: Stack;
let brand: Caller;
let other: Caller;
let receiver: WebhookReceiver;

interface Endpoint {
  id: number;
  url: string;
  events: string[];
  is_active: boolean;
  secret?: string;
}

interface Delivery {
  id: number;
  webhook_id: string;
  event_type: string;
  workorder: number;
  status: string;
  attempts: number;
  last_status_code: number | null;
  next_attempt: string | null;
}

const ALL_EVENTS = [
  'workorder.created',
  'workorder.codes_ready',
  'workorder.printed',
  'workorder.completed',
  'workorder.canceled',
  'workorder.generation_failed',
  'workorder.archived',
];

beforeAll(async () => {
  stack = await (
    await Stack.create({
      env: {
        WEBHOOK_ALLOW_HTTP: '1',
        WEBHOOK_ALLOW_PRIVATE: '1',
        WEBHOOK_RETRY_FIRST: '500ms',
        WEBHOOK_RETRY_MAX: '2s',
      },
    })
  ).start();
  const permissions = ['workorder_view', 'workorder_create', 'workorder_archive', 'webhook_manage'] as const;
  brand = await stack.fixtures.brandOwner('Hook Brand', permissions);
  other = await stack.fixtures.brandOwner('Other Hook Brand', permissions);
  receiver = await WebhookReceiver.create();
}, 120_000);

afterAll(async () => {
  await receiver?.down();
  await stack?.destroy();
});

const createSid = (reference: string) =>
  brand.client.post<Workorder>('/api/v2/workorders/create-sid/', {
    reference,
    quantity: 3,
    activate_on_complete: false,
  });

const bodyOf = (w: ReceivedWebhook) =>
  JSON.parse(w.body) as {
    type: string;
    timestamp: string;
    data: { workorder: Workorder & { revision: number } };
  };

describe('webhook endpoints', () => {
  test('the secret is in the creation answer only; another company sees no endpoint', async () => {
    const created = await brand.client.post<Endpoint>('/api/v2/webhooks/', {
      url: 'http://127.0.0.1:9/unused',
      events: ['workorder.completed'],
      description: 'unused',
    });
    expect(created.status).toBe(201);
    expect(created.body.secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(created.headers.get('location')).toBe(`${stack.baseUrl}/api/v2/webhooks/${created.body.id}/`);

    const read = await brand.client.get<Endpoint>(`/api/v2/webhooks/${created.body.id}/`);
    expect(read.status).toBe(200);
    expect(read.body).toMatchObject({ url: 'http://127.0.0.1:9/unused', events: ['workorder.completed'] });
    expect(read.text).not.toContain('whsec_');
    const list = await brand.client.get<Page<Endpoint>>('/api/v2/webhooks/');
    expect(list.body.results.map((e) => e.id)).toContain(created.body.id);
    expect(list.text).not.toContain('whsec_');

    expect((await other.client.get(`/api/v2/webhooks/${created.body.id}/`)).status).toBe(404);
    expect((await other.client.get<Page>('/api/v2/webhooks/')).body.count).toBe(0);

    const changed = await brand.client.patch<Endpoint>(`/api/v2/webhooks/${created.body.id}/`, {
      events: ['workorder.archived', 'workorder.created'],
      is_active: 'false',
    });
    expect(changed.status).toBe(200);
    // Kept in the events' own order.
    expect(changed.body).toMatchObject({
      events: ['workorder.created', 'workorder.archived'],
      is_active: false,
    });

    const removed = await brand.client.request('DELETE', `/api/v2/webhooks/${created.body.id}/`);
    expect(removed.status).toBe(204);
    expect((await brand.client.get(`/api/v2/webhooks/${created.body.id}/`)).status).toBe(404);
  });

  test('bad input is 400 by field', async () => {
    const noEvents = await brand.client.post<Json>('/api/v2/webhooks/', {
      url: 'http://x.example/',
      events: [],
    });
    expect(noEvents.status).toBe(400);
    expect(noEvents.body).toEqual({ events: ['Choose at least one event.'] });
    const unknown = await brand.client.post<Json>('/api/v2/webhooks/', {
      url: 'http://x.example/',
      events: ['workorder.exploded'],
    });
    expect(unknown.status).toBe(400);
    expect(Object.keys(unknown.body)).toEqual(['events']);
    const badUrl = await brand.client.post<Json>('/api/v2/webhooks/', {
      url: 'ftp://x.example/',
      events: ALL_EVENTS,
    });
    expect(badUrl.body).toEqual({ url: ['Only http and https URLs are allowed.'] });
    const missing = await brand.client.post<Json>('/api/v2/webhooks/', {});
    expect(Object.keys(missing.body).sort()).toEqual(['events', 'url']);
  });
});

describe('a printing partner', () => {
  test('receives the events of workorders addressed to it, and no others', async () => {
    const partner = await stack.fixtures.printingPartner('Hook Print', 'jobs@hook-print.example', [
      'workorder_view',
      'webhook_manage',
    ]);
    await stack.fixtures.partnership(brand.company, partner.company);
    const partnerReceiver = await WebhookReceiver.create();
    await partnerReceiver.up();
    try {
      const created = await partner.client.post<Endpoint>('/api/v2/webhooks/', {
        url: partnerReceiver.url,
        events: ['workorder.created', 'workorder.completed'],
      });
      expect(created.status).toBe(201);
      const addressed = await brand.client.post<Workorder>('/api/v2/workorders/create-sid/', {
        reference: 'HOOK-PARTNER',
        quantity: 3,
        activate_on_complete: false,
        printing_partner: partner.company.id,
      });
      expect(addressed.status).toBe(201);
      const notAddressed = await createSid('HOOK-NOT-PARTNER');
      await brand.client.waitFor(notAddressed.body.id, (w) => w.state === 'completed');
      await partnerReceiver.until((r) => r.length >= 2, 60_000);
      const bodies = partnerReceiver.received.map(bodyOf);
      expect(bodies.map((b) => [b.type, b.data.workorder.id])).toEqual([
        ['workorder.created', addressed.body.id],
        ['workorder.completed', addressed.body.id],
      ]);
      expect(() =>
        new Webhook(created.body.secret!).verify(
          partnerReceiver.received[0].body,
          partnerReceiver.received[0].headers,
        ),
      ).not.toThrow();
    } finally {
      await partnerReceiver.down();
    }
  });
});

describe('delivery to a receiver that is down for a while', () => {
  let endpoint: Endpoint;
  const workorders: number[] = [];

  test('every event arrives once by webhook-id, in order per workorder, with a valid signature', async () => {
    const created = await brand.client.post<Endpoint>('/api/v2/webhooks/', {
      url: receiver.url,
      events: ALL_EVENTS,
    });
    expect(created.status).toBe(201);
    endpoint = created.body;

    // The receiver is down: the workorders run on, their events wait.
    for (let i = 1; i <= 3; i++) {
      const res = await createSid(`HOOK-${i}`);
      expect(res.status).toBe(201);
      workorders.push(res.body.id);
    }
    for (const id of workorders) await brand.client.waitFor(id, (w) => w.state === 'completed');
    for (const id of workorders) {
      expect((await brand.client.post(`/api/v2/workorders/${id}/archive/`)).status).toBe(200);
    }
    // Attempts fail meanwhile, and the log says so.
    const failing = await brand.client.get<Page<Delivery>>(
      `/api/v2/webhooks/${endpoint.id}/deliveries/?status=pending`,
    );
    expect(failing.body.count).toBeGreaterThan(0);
    await new Promise((resolve) => setTimeout(resolve, 3000));
    expect(receiver.received).toHaveLength(0);

    await receiver.up();
    const expected = [
      'workorder.created',
      'workorder.codes_ready',
      'workorder.completed',
      'workorder.archived',
    ];
    await receiver.until((r) => r.length >= expected.length * workorders.length, 90_000);
    await new Promise((resolve) => setTimeout(resolve, 1500)); // anything extra would come now

    const ids = receiver.received.map((w) => w.headers['webhook-id']);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toHaveLength(expected.length * workorders.length);

    const verifier = new Webhook(endpoint.secret!);
    for (const w of receiver.received) {
      expect(() => verifier.verify(w.body, w.headers)).not.toThrow();
      expect(w.headers['webhook-id']).toMatch(/^msg_wo\d+_r\d+_[a-z_]+$/);
    }
    for (const id of workorders) {
      const mine = receiver.received.map(bodyOf).filter((b) => b.data.workorder.id === id);
      expect(mine.map((b) => b.type)).toEqual(expected);
      const revisions = mine.map((b) => b.data.workorder.revision);
      expect([...revisions].sort((a, b) => a - b)).toEqual(revisions);
      expect(mine[0].data.workorder).toMatchObject({
        id,
        reference: expect.stringMatching(/^HOOK-/),
        state: 'new',
      });
      expect(mine[2].data.workorder).toMatchObject({ state: 'completed', codegen_status: 4 });
      expect(mine[3].data.workorder.is_archived).toBe(true);
      expect(mine[0].timestamp).toMatch(/Z$/);
    }
    // A tampered body fails the same verifier.
    const first = receiver.received[0];
    expect(() => verifier.verify(first.body.replace('"workorder', '"Workorder'), first.headers)).toThrow();
  });

  test('the delivery log shows each delivery delivered, with its attempts', async () => {
    const log = await brand.client.get<Page<Delivery>>(
      `/api/v2/webhooks/${endpoint.id}/deliveries/?limit=100`,
    );
    expect(log.status).toBe(200);
    expect(log.body.count).toBe(12);
    for (const d of log.body.results) {
      expect(d).toMatchObject({ status: 'delivered', last_status_code: 204, next_attempt: null });
    }
    // The first events were tried while the receiver was down.
    expect(Math.max(...log.body.results.map((d) => d.attempts))).toBeGreaterThan(1);
    expect((await other.client.get(`/api/v2/webhooks/${endpoint.id}/deliveries/`)).status).toBe(404);
  });

  test('the secret is in no workflow history, no log and not plain in the database', async () => {
    const secret = endpoint.secret!;
    const key = secret.slice('whsec_'.length);
    for (const workorderId of workorders) {
      const history = await stack.temporal((client) =>
        client.workflow
          .getHandle(webhookWorkflowIdFor({ endpointId: endpoint.id, workorderId }))
          .fetchHistory(),
      );
      const text = historyToJSON(history);
      expect(text).toContain('deliverWebhook');
      expect(text).not.toContain(key);
    }
    expect(stack.logs.join('')).not.toContain(key);
    const stored = await stack.store.db
      .selectFrom('webhook_endpoints')
      .select('secret')
      .where('id', '=', endpoint.id)
      .executeTakeFirstOrThrow();
    expect(stored.secret).not.toContain(key);
  });

  test('a redelivery sends the same webhook-id and body again', async () => {
    const log = await brand.client.get<Page<Delivery>>(`/api/v2/webhooks/${endpoint.id}/deliveries/?limit=1`);
    const delivery = log.body.results[0];
    const before = receiver.received.length;
    const res = await brand.client.post<Delivery>(
      `/api/v2/webhooks/${endpoint.id}/deliveries/${delivery.id}/redeliver/`,
    );
    expect(res.status).toBe(202);
    expect(res.body.status).toBe('pending');
    await receiver.until((r) => r.length > before, 30_000);
    const again = receiver.received[receiver.received.length - 1];
    expect(again.headers['webhook-id']).toBe(delivery.webhook_id);
    const original = receiver.received.find((w) => w.headers['webhook-id'] === delivery.webhook_id)!;
    expect(again.body).toBe(original.body);
    expect(
      (await brand.client.post(`/api/v2/webhooks/${endpoint.id}/deliveries/999999/redeliver/`)).status,
    ).toBe(404);
  });
});
