/**
 * Code status and lookup through the real API and worker (docs/product.md, Code status): every
 * code decoded from its extended ID, every rule of its activation status, every brand change and
 * every refusal. The extended IDs come from each workorder's serial-numbers CSV.
 */
import { ALPHABET, checkCharacter } from '../../src/codes/alphabet';
import type { Json, Workorder } from '../support/api-client';
import { ALL_WORKORDER_PERMISSIONS, PRODUCT_PERMISSIONS, type Caller } from '../support/fixtures';
import { Stack } from '../support/stack';

let stack: Stack;
let acme: Caller;
let other: Caller;
let partner: Caller;
let stranger: Caller;
let templates: { sidActive: number; sidInactive: number; ssc: number };
let printing: { equipment: number; substrate: number };

beforeAll(async () => {
  stack = await (await Stack.create({ env: { THROTTLE_PER_MINUTE: '100000' } })).start();
  const { fixtures } = stack;
  acme = await fixtures.brandOwner('Acme Codes', [...ALL_WORKORDER_PERMISSIONS, ...PRODUCT_PERMISSIONS]);
  other = await fixtures.brandOwner('Other Codes');
  partner = await fixtures.printingPartner('Codes Print', 'print@codes.example');
  stranger = await fixtures.printingPartner('Stranger Print', 'other@codes.example');
  const press = await fixtures.equipment(partner.company, 'Press', 600);
  const paper = await fixtures.substrate(partner.company, 'Paper');
  await fixtures.calibration(press, paper);
  printing = { equipment: press.id, substrate: paper.id };
  templates = {
    sidActive: (await fixtures.sidTemplate(acme.company, 'SID on', { activateOnComplete: true })).id,
    sidInactive: (await fixtures.sidTemplate(acme.company, 'SID off')).id,
    ssc: (
      await fixtures.sscTemplate(acme.company, 'SSC on', {
        activateOnComplete: true,
        printingPartner: partner.company,
      })
    ).id,
  };
});

afterAll(async () => {
  await stack?.destroy();
});

async function create(template: number, quantity: number, extra: Json = {}): Promise<Workorder> {
  const res = await acme.client.post<Workorder>('/api/v2/workorders/create-from-template/', {
    template,
    quantity,
    ...extra,
  });
  expect(res.status).toBe(201);
  return res.body;
}

/** The extended IDs of a generated workorder, in sequence order. */
async function extendedIds(id: number): Promise<string[]> {
  const csv = await acme.client.bytes(`/api/v2/workorders/${id}/serial-numbers/`);
  expect(csv.status).toBe(200);
  return csv.data
    .toString('utf8')
    .trim()
    .split('\n')
    .slice(1)
    .map((line) => line.split(',')[1]);
}

async function readyToPrint(quantity: number): Promise<{ workorder: Workorder; ids: string[] }> {
  const workorder = await create(templates.ssc, quantity);
  expect(
    (await partner.client.patch(`/api/v2/workorders/${workorder.id}/printer-confirm/`, printing)).status,
  ).toBe(200);
  await acme.client.waitFor(workorder.id, (w) => w.state === 'ready to print' && w.codegen_status === 4);
  return { workorder, ids: await extendedIds(workorder.id) };
}

const status = async (client: Caller['client'], extendedId: string) =>
  (await client.get<Json>(`/api/v2/codes/${extendedId}/`)).body.activation_status;
const change = (body: Json) => acme.client.post<Json>('/api/v2/codes/status/', body);

/** An ID with a good check character whose index no workorder owns. */
function neverIssued(): string {
  const payload = 'Y'.repeat(10) + ALPHABET[7];
  return payload + checkCharacter(payload);
}

describe('a SID workorder with activate_on_complete, once completed', () => {
  let workorder: Workorder;
  let ids: string[];
  let productId: number;

  beforeAll(async () => {
    const brand = await stack.fixtures.brand(acme.company, 'Codes brand');
    const product = await acme.client.post<Json>('/api/v2/products/', {
      sku: 'CODES-1',
      brand_id: brand.id,
      name: 'Coded product',
    });
    productId = product.body.id as number;
    workorder = await create(templates.sidActive, 25, { product: productId, reference: 'SID-ACTIVE' });
    await acme.client.waitFor(workorder.id, (w) => w.state === 'completed' && w.codegen_status === 4);
    ids = await extendedIds(workorder.id);
    expect(ids).toHaveLength(25);
  });

  test('a code decodes to its workorder, sequence, serial number and product, active', async () => {
    const res = await acme.client.get<Json>(`/api/v2/codes/${ids[6]}/`);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      extended_id: ids[6],
      url: `HTTPS://QR.EXAMPLE.COM/Q/${ids[6]}`,
      workorder: { id: workorder.id, reference: 'SID-ACTIVE' },
      sequence_number: 7,
      batch_number: 1,
      batch_sequence_number: 7,
      serial_number: expect.stringMatching(/^\d{10}$/),
      product: { id: productId, sku: 'CODES-1' },
      activation_status: 1,
    });
    // Lower case reads the same code.
    expect((await acme.client.get<Json>(`/api/v2/codes/${ids[6].toLowerCase()}/`)).body.sequence_number).toBe(
      7,
    );
  });

  test('a wrong check character is 400; never issued and another company’s are the same 404', async () => {
    const wrong = ids[0].slice(0, 11) + ALPHABET[(ALPHABET.indexOf(ids[0][11]) + 1) % ALPHABET.length];
    const bad = await acme.client.get<Json>(`/api/v2/codes/${wrong}/`);
    expect(bad.status).toBe(400);
    expect(bad.text).toBe('{"extended_id":["Invalid check character."]}');
    const malformed = await acme.client.get<Json>('/api/v2/codes/NOT-AN-ID/');
    expect(malformed.status).toBe(400);
    expect(malformed.body).toEqual({ extended_id: ['Not a valid extended ID.'] });
    for (const res of [
      await acme.client.get<Json>(`/api/v2/codes/${neverIssued()}/`),
      await other.client.get<Json>(`/api/v2/codes/${ids[0]}/`),
      await stranger.client.get<Json>(`/api/v2/codes/${ids[0]}/`),
    ]) {
      expect(res.status).toBe(404);
      expect(res.text).toBe('{"detail":"Not found."}');
    }
  });

  test('the brand changes a range, a batch, listed IDs and the whole workorder; the latest wins', async () => {
    const id = workorder.id;
    const range = await change({ workorder: id, activation_status: 2, from: 3, to: 10 });
    expect(range.status).toBe(200);
    expect(range.body).toEqual({ changed: 8 });
    expect(await status(acme.client, ids[2])).toBe(2);
    expect(await status(acme.client, ids[10])).toBe(1);
    // Overlapping: 8..12 to 0; 8, 9, 10 were 2 and 11, 12 were 1.
    expect((await change({ workorder: id, activation_status: 0, from: 8, to: 12 })).body).toEqual({
      changed: 5,
    });
    expect(await status(acme.client, ids[8])).toBe(0);
    expect(await status(acme.client, ids[6])).toBe(2);
    expect(
      (await change({ workorder: id, activation_status: 1, extended_ids: [ids[8], ids[8], ids[20]] })).body,
    ).toEqual({ changed: 1 });
    expect(await status(acme.client, ids[8])).toBe(1);
    expect((await change({ workorder: id, activation_status: 2, batch: 1 })).body).toEqual({
      changed: 20, // all but 3..7, blacklisted by the first change
    });
    expect((await change({ workorder: id, activation_status: 0 })).body).toEqual({ changed: 25 });
    expect(await status(acme.client, ids[24])).toBe(0);
    const counted = await acme.client.get<Json>(`/api/v2/products/${productId}/`);
    expect(counted.body).toMatchObject({ code_count: 25, active_code_count: 0, blacklisted_code_count: 0 });
    await change({ workorder: id, activation_status: 2, from: 1, to: 4 });
    await change({ workorder: id, activation_status: 1, from: 20, to: 25 });
    const after = await acme.client.get<Json>(`/api/v2/products/${productId}/`);
    expect(after.body).toMatchObject({ code_count: 25, active_code_count: 6, blacklisted_code_count: 4 });
  });

  test('verify answers one result per ID, in order, each the code or its error', async () => {
    const res = await acme.client.post<{ results: Json[] }>('/api/v2/codes/verify/', {
      extended_ids: [ids[24], 'X', neverIssued(), ids[0]],
    });
    expect(res.status).toBe(200);
    expect(res.body.results).toEqual([
      expect.objectContaining({ extended_id: ids[24], sequence_number: 25, activation_status: 1 }),
      { extended_id: ['Not a valid extended ID.'] },
      { detail: 'Not found.' },
      expect.objectContaining({ extended_id: ids[0], sequence_number: 1, activation_status: 2 }),
    ]);
    const foreign = await other.client.post<{ results: Json[] }>('/api/v2/codes/verify/', {
      extended_ids: [ids[0]],
    });
    expect(foreign.body.results).toEqual([{ detail: 'Not found.' }]);
  });

  test('status changes refuse what they must, and change nothing', async () => {
    const id = workorder.id;
    const refusals: Array<[Json, number, Json]> = [
      [
        { workorder: 999999, activation_status: 1 },
        400,
        { workorder: ['Invalid pk "999999" - object does not exist.'] },
      ],
      [
        { workorder: id, activation_status: 3 },
        400,
        { activation_status: ['Ensure this value is less than or equal to 2.'] },
      ],
      [
        { workorder: id, activation_status: 1, from: 20, to: 26 },
        400,
        { to: ['Ensure this value is less than or equal to 25.'] },
      ],
      [
        { workorder: id, activation_status: 1, from: 5, to: 4 },
        400,
        { to: ['Ensure this value is greater than or equal to from.'] },
      ],
      [{ workorder: id, activation_status: 1, from: 5 }, 400, { to: ['This field is required.'] }],
      [
        { workorder: id, activation_status: 1, batch: 2 },
        400,
        { batch: ['Ensure this value is less than or equal to 1.'] },
      ],
      [
        { workorder: id, activation_status: 1, extended_ids: [] },
        400,
        { extended_ids: ['This list may not be empty.'] },
      ],
      [
        { workorder: id, activation_status: 1, extended_ids: new Array(10_001).fill(ids[0]) },
        400,
        { extended_ids: ['Ensure this field has no more than 10000 elements.'] },
      ],
      [
        { workorder: id, activation_status: 1, extended_ids: [ids[0], 'BAD', neverIssued()] },
        400,
        { extended_ids: { 1: ['Not a valid extended ID.'], 2: ['Not a code of this workorder.'] } },
      ],
      [
        { workorder: id, activation_status: 1, batch: 1, from: 1, to: 2 },
        400,
        { non_field_errors: ['Give at most one of batch, from/to and extended_ids.'] },
      ],
    ];
    for (const [body, code, answer] of refusals) {
      const res = await change(body);
      expect({ body, status: res.status, answer: res.body }).toEqual({ body, status: code, answer });
    }
    const foreign = await other.client.post<Json>('/api/v2/codes/status/', {
      workorder: id,
      activation_status: 1,
    });
    expect(foreign.status).toBe(400);
    expect(foreign.body).toEqual({ workorder: [`Invalid pk "${id}" - object does not exist.`] });
    const byPartner = await partner.client.post<Json>('/api/v2/codes/status/', {
      workorder: id,
      activation_status: 1,
    });
    expect(byPartner.status).toBe(403);
    expect(await status(acme.client, ids[0])).toBe(2);
  });
});

test('without activate_on_complete a completed SID workorder’s codes stay inactive', async () => {
  const workorder = await create(templates.sidInactive, 3);
  await acme.client.waitFor(workorder.id, (w) => w.state === 'completed' && w.codegen_status === 4);
  const ids = await extendedIds(workorder.id);
  expect(await Promise.all(ids.map((id) => status(acme.client, id)))).toEqual([0, 0, 0]);
});

test('an SSC workorder’s codes become active when printed; its partner looks them up too', async () => {
  const { workorder, ids } = await readyToPrint(4);
  expect(await status(acme.client, ids[0])).toBe(0);
  expect(await status(partner.client, ids[0])).toBe(0);
  expect((await partner.client.post(`/api/v2/workorders/${workorder.id}/printed/`)).status).toBe(200);
  expect(await status(acme.client, ids[3])).toBe(1);
  expect(await status(partner.client, ids[3])).toBe(1);
});

test('a canceled workorder’s codes are blacklisted and refuse changes', async () => {
  const { workorder, ids } = await readyToPrint(2);
  expect(
    (await acme.client.post(`/api/v2/workorders/${workorder.id}/cancel/`, { reason: 'void' })).status,
  ).toBe(200);
  await acme.client.waitFor(workorder.id, (w) => w.state === 'canceled');
  expect(await status(acme.client, ids[1])).toBe(2);
  const refused = await change({ workorder: workorder.id, activation_status: 1 });
  expect(refused.status).toBe(409);
  expect(await status(acme.client, ids[1])).toBe(2);
});

test('a change of a whole workorder is one stored range, whatever its size', async () => {
  const workorder = await create(templates.sidInactive, 30);
  const res = await change({ workorder: workorder.id, activation_status: 2 });
  expect(res.body).toEqual({ changed: 30 });
  const rows = await stack.store.db
    .selectFrom('code_status_changes')
    .selectAll()
    .where('workorder_id', '=', workorder.id)
    .execute();
  expect(rows.map((r) => [r.first_sequence, r.last_sequence, r.activation_status])).toEqual([[1, 30, 2]]);
});
