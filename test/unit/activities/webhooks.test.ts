/**
 * The webhook activities on a real SQLite database and a real local HTTP receiver: the outbox
 * written with a recorded change, one attempt's signature and log, and giving up (the endpoint
 * disabled, its company emailed once). Temporal's client is a recording fake here: waking the
 * delivery workflow is tested through the real stack (test/integration/webhooks.test.ts).
 */
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { Client } from '@temporalio/client';
import { MockActivityEnvironment } from '@temporalio/testing';
import { Webhook } from 'standardwebhooks';
import {
  deliverWebhook,
  recordWorkorderChange,
  webhookGaveUp,
  type WebhookDeps,
} from '../../../src/activities/webhooks';
import { createLinkSigner } from '../../../src/api/links';
import type { OutgoingMail } from '../../../src/mail/mailer';
import { Codegen, newSnapshot } from '../../../src/shared/workorder';
import { openStore, repositories, type Repositories, type Store } from '../../../src/store';
import { newWebhookSecret } from '../../../src/store/webhooks';
import { createSecretBox } from '../../../src/webhooks/secret-box';
import type { WorkorderRow } from '../../../src/store/schema';

let dir: string;
let store: Store;
let repos: Repositories;
let server: http.Server;
let receiverUrl: string;
let answer = 204;
const received: Array<{ headers: Record<string, string>; body: string }> = [];
const sent: OutgoingMail[] = [];
const woken: unknown[] = [];
let deps: WebhookDeps;
const box = createSecretBox(Buffer.alloc(32, 7));
let workorder: WorkorderRow;

const fakeClient = {
  workflow: { signalWithStart: async (_type: string, opts: unknown) => void woken.push(opts) },
  withAbortSignal: <R>(_signal: AbortSignal, fn: () => Promise<R>) => fn(),
} as unknown as Client;
const run = <A extends unknown[], R>(fn: (...args: A) => Promise<R>, ...args: A) =>
  new MockActivityEnvironment({ attempt: 2 }, { client: fakeClient }).run(fn, ...args);

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'webhook-activity-'));
  store = await openStore(`sqlite:${path.join(dir, 'db.sqlite')}`);
  repos = repositories(store);
  server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({
        headers: req.headers as Record<string, string>,
        body: Buffer.concat(chunks).toString(),
      });
      res.writeHead(answer).end(answer >= 400 ? 'busy' : '');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  receiverUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  deps = {
    repos,
    mailer: { send: async (mail) => void sent.push(mail), close() {} },
    links: createLinkSigner(Buffer.alloc(32, 1), 'http://api.test'),
    webhookSecrets: box,
    publicUrl: 'http://api.test',
    taskQueue: 'tq',
    webhooks: {
      allowHttp: true,
      allowPrivate: true,
      retry: { initialInterval: '5s', maximumInterval: '1h', giveUpAfter: '3 days', idleFor: '10m' },
    },
  };
  const brand = await repos.companies.create({
    name: 'Brand',
    companyType: 'brand_owner',
    email: 'ops@brand.example',
  });
  workorder = await repos.workorders.create({
    companyId: brand.id,
    printingPartnerId: null,
    templateId: null,
    type: 'SID',
    reference: 'R-1',
    remarks: '',
    quantity: 3,
    dueDate: null,
    totalImpressions: null,
    codeLayout: 'qr',
    useSerialNumber: false,
    activateOnComplete: false,
    isStaticPrint: false,
    isHybrid: false,
    urlPrefix: 'HTTPS://Q/',
    productId: null,
    brandId: null,
    keyId: 'k1',
  });
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  await store.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('webhook activities', () => {
  let endpointId: number;
  let secret: string;

  test('a recorded change writes one delivery per subscribed event and wakes its workflow; a retry adds none', async () => {
    secret = newWebhookSecret();
    const endpoint = await repos.webhooks.createEndpoint(workorder.company_id, {
      url: receiverUrl,
      description: '',
      events: ['workorder.created', 'workorder.completed'],
      sealedSecret: box.seal(secret),
    });
    endpointId = endpoint.id;
    // Stored sealed: the database alone does not give the secret away.
    expect(endpoint.secret).not.toContain(secret.slice('whsec_'.length));
    expect(endpoint.secret).toMatch(/^v1:/);
    const first = { ...newSnapshot(workorder.id, 3), revision: 2 };
    await run(recordWorkorderChange, deps, first);
    const done = { ...first, revision: 5, state: 'completed' as const, codegenStatus: Codegen.completed };
    await run(recordWorkorderChange, deps, done);
    await run(recordWorkorderChange, deps, done); // the local activity retried
    const { rows } = await repos.webhooks.listDeliveries(endpointId, { limit: 10, offset: 0 });
    // codes_ready happened too, but this endpoint did not subscribe to it.
    expect(rows.map((r) => [r.event_type, r.message_id]).reverse()).toEqual([
      ['workorder.created', `msg_wo${workorder.id}_r2_created`],
      ['workorder.completed', `msg_wo${workorder.id}_r5_completed`],
    ]);
    expect((await repos.workorders.byId(workorder.id))?.state).toBe('completed');
    expect(woken).toHaveLength(3);
    const body = JSON.parse(rows[0].payload);
    expect(body).toMatchObject({
      type: 'workorder.completed',
      data: { workorder: { id: workorder.id, revision: 5 } },
    });
  });

  test('an attempt is signed so the standardwebhooks verifier accepts it, and logged', async () => {
    const next = await repos.webhooks.nextPending(endpointId, workorder.id);
    expect(await run(deliverWebhook, deps, { deliveryId: next!.id })).toBe('delivered');
    const got = received[received.length - 1];
    expect(new Webhook(secret).verify(got.body, got.headers)).toMatchObject({ type: 'workorder.created' });
    expect(got.headers['webhook-id']).toBe(next!.message_id);
    expect(await repos.webhooks.deliveryById(next!.id)).toMatchObject({
      status: 'delivered',
      attempts: 1,
      last_status_code: 204,
    });
    // Delivered already: another attempt (a retried activity) sends nothing.
    expect(await run(deliverWebhook, deps, { deliveryId: next!.id })).toBe('skipped');
  });

  test('a refused attempt is thrown for Temporal to retry, with the answer and the next attempt logged', async () => {
    answer = 503;
    const next = await repos.webhooks.nextPending(endpointId, workorder.id);
    await expect(run(deliverWebhook, deps, { deliveryId: next!.id })).rejects.toThrow(
      'The endpoint answered 503.',
    );
    const row = await repos.webhooks.deliveryById(next!.id);
    expect(row).toMatchObject({
      status: 'pending',
      attempts: 1,
      last_status_code: 503,
      last_response: 'busy',
    });
    // Attempt 2 failed: the retry is 10 s later (5 s doubled).
    const wait = Date.parse(row!.next_attempt_at!) - Date.now();
    expect(wait).toBeGreaterThan(8000);
    expect(wait).toBeLessThanOrEqual(10_000);
  });

  test('giving up disables the endpoint, fails its pending deliveries and emails its company once', async () => {
    const next = await repos.webhooks.nextPending(endpointId, workorder.id);
    await run(webhookGaveUp, deps, { deliveryId: next!.id, endpointId });
    await run(webhookGaveUp, deps, { deliveryId: next!.id, endpointId });
    expect(await repos.webhooks.endpointById(endpointId)).toMatchObject({
      is_active: 0,
      disabled_reason: 'Disabled after failing for 3 days.',
    });
    expect(await repos.webhooks.deliveryById(next!.id)).toMatchObject({ status: 'failed' });
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({
      to: 'ops@brand.example',
      subject: `Webhook endpoint ${endpointId} disabled`,
    });
    expect(sent[0].text).not.toContain(secret);
  });
});
