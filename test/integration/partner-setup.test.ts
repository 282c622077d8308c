/**
 * A printing partner's own set-up through the API (docs/partners.md): a press and a substrate added,
 * changed and archived; a calibration asked for, its chart downloaded (a real PDF, read back), the
 * measurements submitted; the pair then confirmable on an SSC workorder. Every refusal in the
 * contract's shapes, another partner's objects 404, expiry and operator approval.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { PDFDocument } from 'pdf-lib';
import type { Json, Page, Workorder } from '../support/api-client';
import type { Caller } from '../support/fixtures';
import { Stack } from '../support/stack';

let stack: Stack;
let brand: Caller;
let partner: Caller;
let stranger: Caller;

const LAUNCHER = path.resolve(__dirname, '../../scripts/admin.mjs');
function admin(...args: string[]) {
  return spawnSync(process.execPath, [LAUNCHER, ...args], {
    env: { PATH: process.env.PATH ?? '', ...stack.env },
    encoding: 'utf8',
  });
}

beforeAll(async () => {
  stack = await (await Stack.create({ env: { REMINDER_DELAY: '1 hour' } })).start();
  brand = await stack.fixtures.brandOwner('Setup Brand');
  partner = await stack.fixtures.printingPartner('Setup Print', 'jobs@setup-print.example');
  stranger = await stack.fixtures.printingPartner('Stranger Print', 'jobs@stranger.example');
});

afterAll(async () => {
  await stack?.destroy();
});

const MEASURED = { module_size_mm: 0.42, cell_dots: 2, dot_gain: 12.5 };

async function newPress(name: string, dpi = 600): Promise<Json> {
  const res = await partner.client.post<Json>('/api/v2/equipment/', { name, dpi, model: 'Indigo 6K' });
  expect(res.status).toBe(201);
  return res.body;
}
async function newSubstrate(name: string): Promise<Json> {
  const res = await partner.client.post<Json>('/api/v2/substrates/', { name, description: 'matte' });
  expect(res.status).toBe(201);
  return res.body;
}

test('a new partner adds a press and a substrate, calibrates, and confirms a workorder on them', async () => {
  const press = await newPress('Line 1');
  expect(press).toMatchObject({ name: 'Line 1', dpi: 600, model: 'Indigo 6K', notes: '', archived: false });
  const paper = await newSubstrate('Coated 90g');

  const asked = await partner.client.post<Json>('/api/v2/calibrations/', {
    equipment: press.id,
    substrate: paper.id,
  });
  expect(asked.status).toBe(201);
  expect(asked.body).toMatchObject({
    status: 'measuring',
    approved: false,
    parameters: {},
    equipment: { id: press.id, name: 'Line 1', dpi: 600 },
    substrate: { id: paper.id, name: 'Coated 90g' },
  });
  // Not in the confirm list until measured.
  const before = await partner.client.get<Page<Json>>(`/api/v2/substrates/?equipment=${String(press.id)}`);
  expect(before.body.results).toEqual([]);

  // The chart: a one-page PDF naming the calibration, press and dpi.
  const chart = await partner.client.bytes(String(asked.body.chart).replace(stack.baseUrl, ''));
  expect(chart.status).toBe(200);
  expect(chart.headers.get('content-type')).toBe('application/pdf');
  const pdf = await PDFDocument.load(chart.data);
  expect(pdf.getPageCount()).toBe(1);
  expect(pdf.getTitle()).toBe(`Calibration chart ${String(asked.body.id)}`);
  const again = await partner.client.bytes(String(asked.body.chart).replace(stack.baseUrl, ''));
  expect(Buffer.compare(again.data, chart.data)).toBe(0);

  const measured = await partner.client.post<Json>(
    `/api/v2/calibrations/${String(asked.body.id)}/measurements/`,
    MEASURED,
  );
  expect(measured.status).toBe(200);
  expect(measured.body).toMatchObject({ status: 'active', parameters: MEASURED });
  const listed = await partner.client.get<Page<Json>>(`/api/v2/substrates/?equipment=${String(press.id)}`);
  expect(listed.body.results.map((s) => s.id)).toEqual([paper.id]);

  // A brand's SSC workorder, confirmed on the new press and substrate, generates.
  const template = await stack.fixtures.sscTemplate(brand.company, 'SSC setup', {
    printingPartner: partner.company,
  });
  const created = await brand.client.post<Workorder>('/api/v2/workorders/create-from-template/', {
    template: template.id,
    quantity: 3,
  });
  expect(created.status).toBe(201);
  const confirmed = await partner.client.patch<Workorder>(
    `/api/v2/workorders/${created.body.id}/printer-confirm/`,
    {
      equipment: press.id,
      substrate: paper.id,
    },
  );
  expect(confirmed.status).toBe(200);
  await partner.client.waitFor(created.body.id, (w) => w.state === 'ready to print');

  // Archived, the press leaves the lists and the confirm form, and stays readable.
  const archived = await partner.client.post<Json>(`/api/v2/equipment/${String(press.id)}/archive/`);
  expect(archived.body).toMatchObject({ archived: true });
  const presses = await partner.client.get<Page<Json>>('/api/v2/equipment/');
  expect(presses.body.results.map((e) => e.id)).not.toContain(press.id);
  const all = await partner.client.get<Page<Json>>('/api/v2/equipment/?archived=true');
  expect(all.body.results.map((e) => e.id)).toContain(press.id);
  expect((await partner.client.get(`/api/v2/equipment/${String(press.id)}/`)).status).toBe(200);
  const second = await brand.client.post<Workorder>('/api/v2/workorders/create-from-template/', {
    template: template.id,
    quantity: 1,
  });
  const refused = await partner.client.patch(`/api/v2/workorders/${second.body.id}/printer-confirm/`, {
    equipment: press.id,
    substrate: paper.id,
  });
  expect(refused.status).toBe(400);
  expect(refused.body).toEqual({ equipment: [`Equipment "${String(press.id)}" is archived.`] });
});

test('bad input is a 400 in the usual shapes, and nothing is half-made', async () => {
  const post = (path: string, body: unknown) => partner.client.post<Json>(path, body);
  expect((await post('/api/v2/equipment/', { name: 'Tiny', dpi: 20 })).body).toEqual({
    dpi: ['Ensure this value is greater than or equal to 150.'],
  });
  expect((await post('/api/v2/equipment/', { dpi: 600 })).body).toEqual({
    name: ['This field is required.'],
  });
  await newPress('Twin');
  expect((await post('/api/v2/equipment/', { name: 'Twin', dpi: 300 })).body).toEqual({
    name: ['Equipment with this name already exists.'],
  });
  await newSubstrate('Twin paper');
  expect((await post('/api/v2/substrates/', { name: 'Twin paper' })).body).toEqual({
    name: ['A substrate with this name already exists.'],
  });
  // Another partner may use the same names.
  expect((await stranger.client.post('/api/v2/equipment/', { name: 'Twin', dpi: 300 })).status).toBe(201);

  const press = await newPress('Measured press');
  const paper = await newSubstrate('Measured paper');
  const calibration = (await post('/api/v2/calibrations/', { equipment: press.id, substrate: paper.id }))
    .body;
  const measure = (body: unknown) =>
    post(`/api/v2/calibrations/${String(calibration.id)}/measurements/`, body);
  expect((await measure({ ...MEASURED, dot_gain: 75 })).body).toEqual({
    dot_gain: ['Ensure this value is less than or equal to 60.'],
  });
  expect((await measure({ ...MEASURED, cell_dots: 1.5 })).body).toEqual({
    cell_dots: ['A valid integer is required.'],
  });
  expect((await measure({ module_size_mm: 0.5 })).status).toBe(400);
  expect(
    (await partner.client.get<Json>(`/api/v2/calibrations/${String(calibration.id)}/`)).body,
  ).toMatchObject({
    status: 'measuring',
    parameters: {},
  });
  // A second calibration of the same pair, a past end date, an archived press: refused.
  expect((await post('/api/v2/calibrations/', { equipment: press.id, substrate: paper.id })).body).toEqual({
    non_field_errors: [
      `Substrate "${String(paper.id)}" already has calibration ${String(calibration.id)} on equipment "${String(press.id)}"; submit new measurements to it.`,
    ],
  });
  const other = await newSubstrate('Other paper');
  expect(
    (
      await post('/api/v2/calibrations/', {
        equipment: press.id,
        substrate: other.id,
        valid_until: '2020-01-01',
      })
    ).body,
  ).toEqual({ valid_until: ['The date must be today or later.'] });
  await post(`/api/v2/equipment/${String(press.id)}/archive/`, {});
  expect((await post('/api/v2/calibrations/', { equipment: press.id, substrate: other.id })).body).toEqual({
    equipment: [`Equipment "${String(press.id)}" is archived.`],
  });
  expect((await partner.client.patch(`/api/v2/equipment/${String(press.id)}/`, { notes: 'x' })).status).toBe(
    409,
  );
  const calibrations = await partner.client.get<Page<Json>>(
    `/api/v2/calibrations/?equipment=${String(press.id)}`,
  );
  expect(calibrations.body.count).toBe(1);
});

test("another partner's objects are 404, and brands may not manage presses", async () => {
  const press = await newPress('Private press');
  const paper = await newSubstrate('Private paper');
  const calibration = (
    await partner.client.post<Json>('/api/v2/calibrations/', { equipment: press.id, substrate: paper.id })
  ).body;
  for (const path of [
    `/api/v2/equipment/${String(press.id)}/`,
    `/api/v2/substrates/${String(paper.id)}/`,
    `/api/v2/calibrations/${String(calibration.id)}/`,
    `/api/v2/calibrations/${String(calibration.id)}/chart/`,
  ]) {
    const res = await stranger.client.get(path);
    expect({ path, status: res.status, body: res.body }).toEqual({
      path,
      status: 404,
      body: { detail: 'Not found.' },
    });
  }
  expect(
    (await stranger.client.patch(`/api/v2/equipment/${String(press.id)}/`, { name: 'Mine' })).status,
  ).toBe(404);
  expect((await stranger.client.post(`/api/v2/substrates/${String(paper.id)}/archive/`)).status).toBe(404);
  const byBrand = await brand.client.post<Json>('/api/v2/equipment/', { name: 'Brand press', dpi: 600 });
  expect(byBrand.status).toBe(403);
  // Even with the permission, a brand is not a printing partner.
  const brandSetup = await stack.fixtures.token(brand.company, ['printing_setup']);
  const withPermission = await brandSetup.client.post<Json>('/api/v2/equipment/', {
    name: 'Brand press',
    dpi: 600,
  });
  expect(withPermission.status).toBe(403);
  expect(withPermission.body.detail).toBe(
    'Only printing partners manage presses, substrates and calibrations.',
  );
});

test('an expired calibration drops out with its reason; a template asking for approval waits for the operator', async () => {
  const press = await newPress('Approval press');
  const paper = await newSubstrate('Approval paper');
  const calibration = (
    await partner.client.post<Json>('/api/v2/calibrations/', { equipment: press.id, substrate: paper.id })
  ).body;
  await partner.client.post(`/api/v2/calibrations/${String(calibration.id)}/measurements/`, MEASURED);

  const template = await stack.fixtures.sscTemplate(brand.company, 'SSC approved', {
    printingPartner: partner.company,
    calibrationApproval: true,
  });
  const order = async () =>
    (
      await brand.client.post<Workorder>('/api/v2/workorders/create-from-template/', {
        template: template.id,
        quantity: 1,
      })
    ).body.id;
  const confirm = (id: number) =>
    partner.client.patch<Json>(`/api/v2/workorders/${id}/printer-confirm/`, {
      equipment: press.id,
      substrate: paper.id,
    });
  const first = await order();
  expect((await confirm(first)).body).toEqual({
    substrate: [
      `Substrate "${String(paper.id)}" on equipment "${String(press.id)}": this workorder's template needs a calibration approved by an operator; it awaits approval.`,
    ],
  });
  const approved = admin('calibration', 'approve', String(calibration.id));
  expect(approved.stderr).toBe('');
  expect(approved.status).toBe(0);
  expect(
    (await partner.client.get<Json>(`/api/v2/calibrations/${String(calibration.id)}/`)).body.approved,
  ).toBe(true);
  expect((await confirm(first)).status).toBe(200);

  // Expired yesterday: out of the confirm list, and printer-confirm says why.
  await stack.store.db
    .updateTable('calibrations')
    .set({ valid_until: new Date(Date.now() - 86_400_000).toISOString().slice(0, 10) })
    .where('id', '=', Number(calibration.id))
    .execute();
  expect(
    (await partner.client.get<Json>(`/api/v2/calibrations/${String(calibration.id)}/`)).body.status,
  ).toBe('expired');
  const list = await partner.client.get<Page<Json>>(`/api/v2/substrates/?equipment=${String(press.id)}`);
  expect(list.body.results).toEqual([]);
  const second = await order();
  const expired = await confirm(second);
  expect(expired.status).toBe(400);
  expect(String((expired.body.substrate as string[])[0])).toMatch(
    /the calibration expired after \d{4}-\d{2}-\d{2}; calibrate again\.$/,
  );

  // New measurements renew it (and need a new approval).
  const renewed = await partner.client.post<Json>(
    `/api/v2/calibrations/${String(calibration.id)}/measurements/`,
    {
      ...MEASURED,
      valid_until: null,
    },
  );
  expect(renewed.body).toMatchObject({ status: 'active', approved: false, valid_until: null });
});
