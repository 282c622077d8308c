/**
 * The partner's email on real parts: reminders by durable timers (a short REMINDER_DELAY), at most
 * three and none after the confirmation; an SMTP server that refuses for a while delays mail
 * without touching the workorder, and each event still arrives exactly once.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { Workorder } from '../support/api-client';
import type { Caller } from '../support/fixtures';
import { TestSmtpServer, type ReceivedMail } from '../support/smtp';
import { Stack } from '../support/stack';

const REMINDER_SECONDS = 2;

let smtp: TestSmtpServer;
let stack: Stack;
const PARTNER_EMAIL = 'jobs@slow-printer.example';
let brand: Caller;
let partner: Caller;
let templateId: number;
const press = { equipment: 0, substrate: 0 };

beforeAll(async () => {
  smtp = await TestSmtpServer.start();
  stack = await (
    await Stack.create({ env: { SMTP_URL: smtp.url, REMINDER_DELAY: `${REMINDER_SECONDS} seconds` } })
  ).start();
  const { fixtures } = stack;
  brand = await fixtures.brandOwner('Reminded Brand');
  partner = await fixtures.printingPartner('Slow Printer', PARTNER_EMAIL);
  const equipment = await fixtures.equipment(partner.company, 'Press', 600);
  const substrate = await fixtures.substrate(partner.company, 'Paper');
  await fixtures.calibration(equipment, substrate);
  press.equipment = equipment.id;
  press.substrate = substrate.id;
  const template = await fixtures.sscTemplate(brand.company, 'SSC', {
    codeLayout: 'sg-inside',
    printingPartner: partner.company,
  });
  templateId = template.id;
});

afterAll(async () => {
  await stack?.destroy();
  await smtp?.stop();
});

async function createSsc(reference: string): Promise<number> {
  const res = await brand.client.post<Workorder>('/api/v2/workorders/create-from-template/', {
    template: templateId,
    quantity: 20,
    reference,
  });
  expect(res.status).toBe(201);
  return res.body.id;
}

const keysOf = (mails: ReceivedMail[]) =>
  mails.map((m) => m.idempotencyKey.replace(/^workorder-\d+\./, '')).sort();

describe('reminders to an unconfirmed partner', () => {
  test('come after each delay, at most three times', async () => {
    const id = await createSsc('REMIND-3');
    const third = await smtp.waitForEvent(id, 'reminder-3', 30_000);
    expect(third.subject).toBe('Reminder 3: workorder REMIND-3 waits for your confirmation');
    expect(third.to).toEqual([PARTNER_EMAIL]);
    expect(third.text).toContain(`Workorder ${id} still waits for your printer confirmation.`);
    expect(third.text).toContain(`/api/v2/workorders/${id}/printer-confirm/`);
    // Two more delays pass without a fourth.
    await sleep(2 * REMINDER_SECONDS * 1000 + 1000);
    expect(keysOf(smtp.forWorkorder(id))).toEqual(['created', 'reminder-1', 'reminder-2', 'reminder-3']);
    const detail = await partner.client.get(`/api/v2/workorders/${id}/`);
    expect(detail.body).toMatchObject({ state: 'new', codegen_status: 1 });
  });

  test('stop once the partner confirmed', async () => {
    const id = await createSsc('REMIND-STOP');
    await smtp.waitForEvent(id, 'reminder-1', 15_000);
    const res = await partner.client.patch(`/api/v2/workorders/${id}/printer-confirm/`, {
      equipment: press.equipment,
      substrate: press.substrate,
    });
    expect(res.status).toBe(200);
    await smtp.waitForEvent(id, 'ready', 30_000);
    await sleep(2 * REMINDER_SECONDS * 1000 + 1000);
    const keys = keysOf(smtp.forWorkorder(id));
    expect(keys).toEqual(expect.arrayContaining(['created', 'reminder-1', 'ready']));
    // A reminder already under way when the confirmation came may still land; none is sent after it.
    expect(keys.filter((k) => k.startsWith('reminder')).length).toBeLessThanOrEqual(2);
    expect(keys).not.toContain('reminder-3');
  });
});

describe('an SMTP server that refuses mail for a while', () => {
  test('delays the email, not the workorder; each event arrives exactly once', async () => {
    smtp.refuse(true);
    const refusedBefore = smtp.refusals;
    const id = await createSsc('SMTP-DOWN');
    // The workorder goes on while mail is refused: confirmed, generated, ready to print.
    const confirmed = await partner.client.patch(`/api/v2/workorders/${id}/printer-confirm/`, {
      equipment: press.equipment,
      substrate: press.substrate,
    });
    expect(confirmed.status).toBe(200);
    const ready = await partner.client.waitFor(id, (w) => w.state === 'ready to print', 30_000);
    expect(ready).toMatchObject({ codegen_status: 4, failure: null });
    // Let the activity retry against the refusing server (it backs off from 5 s).
    const deadline = Date.now() + 20_000;
    while (smtp.refusals - refusedBefore < 3 && Date.now() < deadline) await sleep(200);
    expect(smtp.refusals - refusedBefore).toBeGreaterThanOrEqual(3);
    expect(smtp.forWorkorder(id)).toHaveLength(0);

    smtp.refuse(false);
    await smtp.waitForEvent(id, 'created', 60_000);
    await smtp.waitForEvent(id, 'ready', 60_000);
    await sleep(3000);
    const keys = smtp.forWorkorder(id).map((m) => m.idempotencyKey);
    expect(new Set(keys).size).toBe(keys.length);
    expect(keys).toEqual(expect.arrayContaining([`workorder-${id}.created`, `workorder-${id}.ready`]));

    const after = await partner.client.get(`/api/v2/workorders/${id}/`);
    expect(after.body).toMatchObject({ state: 'ready to print', codegen_status: 4, failure: null });
  });
});
