import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { MockActivityEnvironment } from '@temporalio/testing';
import { sendWorkorderEmail } from '../../../src/activities/email';
import type { OutgoingMail } from '../../../src/mail/mailer';
import { openStore, repositories, type Repositories, type Store } from '../../../src/store';

let dir: string;
let store: Store;
let repos: Repositories;
let workorderId: number;
let brandId: number;
let partnerId: number;
const sent: OutgoingMail[] = [];
let smtpAnswer: 'accept' | 'refuse' | 'accept-then-crash' = 'accept';

const mailer = {
  async send(mail: OutgoingMail) {
    if (smtpAnswer === 'refuse') throw Object.assign(new Error('451 try again later'), { responseCode: 451 });
    sent.push(mail);
    // The server took it, but the worker died before the activity could record that.
    if (smtpAnswer === 'accept-then-crash') throw new Error('worker lost');
  },
  close() {},
};

const send = (event: Parameters<typeof sendWorkorderEmail>[1]['event']) =>
  new MockActivityEnvironment().run(
    sendWorkorderEmail,
    { repos, mailer, publicUrl: 'http://api.test' },
    { workorderId, event },
  );

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'email-activity-'));
  store = await openStore(`sqlite:${path.join(dir, 'db.sqlite')}`);
  repos = repositories(store);
  const brand = await repos.companies.create({ name: 'Brand', companyType: 'brand_owner' });
  const partner = await repos.companies.create({
    name: 'Printer',
    companyType: 'printing_partner',
    email: 'p@x.test',
  });
  await repos.partnerships.link(brand.id, partner.id);
  const row = await repos.workorders.create({
    companyId: brand.id,
    printingPartnerId: partner.id,
    templateId: null,
    type: 'SSC',
    reference: 'R-1',
    remarks: '',
    quantity: 10,
    dueDate: '2030-01-31',
    totalImpressions: null,
    codeLayout: 'sg-inside',
    useSerialNumber: true,
    activateOnComplete: false,
    isStaticPrint: false,
    isHybrid: false,
    urlPrefix: 'HTTPS://X/',
    productId: null,
    brandId: null,
    keyId: 'k1',
  });
  workorderId = row.id;
  brandId = brand.id;
  partnerId = partner.id;
});

afterAll(async () => {
  await store.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

beforeEach(() => {
  sent.length = 0;
  smtpAnswer = 'accept';
});

describe('sendWorkorderEmail', () => {
  test('a refused attempt fails (so Temporal retries it) and the retry sends once', async () => {
    smtpAnswer = 'refuse';
    await expect(send({ kind: 'created' })).rejects.toThrow(/451/);
    expect(sent).toHaveLength(0);
    smtpAnswer = 'accept';
    await send({ kind: 'created' });
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({ to: 'p@x.test', idempotencyKey: `workorder-${workorderId}.created` });
    expect(sent[0].text).toContain('Due date: 2030-01-31');
  });

  test('an attempt retried after the message was accepted sends nothing again', async () => {
    await send({ kind: 'reminder', number: 1 });
    await send({ kind: 'reminder', number: 1 });
    expect(sent.map((m) => m.idempotencyKey)).toEqual([`workorder-${workorderId}.reminder-1`]);
    // Another event is another message.
    await send({ kind: 'reminder', number: 2 });
    expect(sent).toHaveLength(2);
  });

  test('a message accepted just before a crash is sent again under the same idempotency key', async () => {
    smtpAnswer = 'accept-then-crash';
    await expect(send({ kind: 'ready' })).rejects.toThrow(/worker lost/);
    smtpAnswer = 'accept';
    await send({ kind: 'ready' });
    // At least once: the receiver can drop the repeat by its X-Idempotency-Key / Message-ID.
    expect(sent.map((m) => m.idempotencyKey)).toEqual([
      `workorder-${workorderId}.ready`,
      `workorder-${workorderId}.ready`,
    ]);
  });

  test('once the partnership ended, reminders are not sent (the workorder itself runs on)', async () => {
    const partnership = await repos.partnerships.byPair(brandId, partnerId);
    await repos.partnerships.transition(partnership!.id, ['active'], 'ended');
    try {
      await send({ kind: 'reminder', number: 3 });
      expect(sent).toHaveLength(0);
      expect(await repos.emailLog.wasSent(`workorder-${workorderId}.reminder-3`)).toBe(false);
    } finally {
      await repos.partnerships.link(brandId, partnerId);
    }
  });
});
