/**
 * The SSC promise end to end on real parts (Temporal dev server, worker and API processes, SQLite,
 * an SMTP server): the partner is emailed, confirms a calibrated press, the codes are generated
 * with their secure graphic, printed, approved by QA and archived; every refusal in the contract's
 * words.
 */
import fs from 'node:fs';
import path from 'node:path';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import { PNG } from 'pngjs';
import QRCode from 'qrcode';
import { renderSecureQrPng } from '../../src/codes/qr';
import {
  deriveSecureGraphicKey,
  workorderSecureGraphicKey,
  patternArea,
  printedQrSettings,
  secureGraphicSeeds,
  secureGraphicSettings,
} from '../../src/codes/secure-graphic';
import { loadConfig, resolveSecrets } from '../../src/config';
import { printerConfirmSignal, qaCompleteSignal, qaCompleteUpdate } from '../../src/shared/messages';
import { workflowIdFor, type CodeSettings, type PrinterConfirmation } from '../../src/shared/workorder';
import type { Json, Page, Workorder } from '../support/api-client';
import type { Calibration, Caller } from '../support/fixtures';
import { decodeQrPng } from '../support/qr';
import { TestSmtpServer } from '../support/smtp';
import { Stack } from '../support/stack';
import { readZip } from '../support/zip';

const PREFIX = 'HTTPS://SSC.EXAMPLE.ORG/Q/';
const PARTNER_EMAIL = 'jobs@print-partner.example';

let smtp: TestSmtpServer;
let stack: Stack;
let brand: Caller;
let partner: Caller;
let stranger: Caller;
const ids = { press: 0, bigPress: 0, idle: 0, paper: 0, foil: 0, strangerPress: 0, strangerPaper: 0 };
let calibrationOfPaper: Calibration;
const templates = { inside: 0, outside: 0 };

beforeAll(async () => {
  smtp = await TestSmtpServer.start();
  // Reminders are the subject of ssc-email.test.ts; here they stay out of the way.
  stack = await (await Stack.create({ env: { SMTP_URL: smtp.url, REMINDER_DELAY: '1 hour' } })).start();
  const { fixtures } = stack;
  brand = await fixtures.brandOwner('Acme Secure Brands');
  partner = await fixtures.printingPartner('Print Partner AG', PARTNER_EMAIL);
  stranger = await fixtures.printingPartner('Other Printer', 'jobs@other-printer.example');
  const press = await fixtures.equipment(partner.company, 'HP Indigo 6900', 600);
  const bigPress = await fixtures.equipment(partner.company, 'Fine Press', 1200);
  const idle = await fixtures.equipment(partner.company, 'Idle Press', 600);
  const paper = await fixtures.substrate(partner.company, 'Coated paper');
  const foil = await fixtures.substrate(partner.company, 'Silver foil');
  const strangerPress = await fixtures.equipment(stranger.company, 'Stranger press', 600);
  const strangerPaper = await fixtures.substrate(stranger.company, 'Stranger paper');
  Object.assign(ids, {
    press: press.id,
    bigPress: bigPress.id,
    idle: idle.id,
    paper: paper.id,
    foil: foil.id,
    strangerPress: strangerPress.id,
    strangerPaper: strangerPaper.id,
  });
  calibrationOfPaper = await fixtures.calibration(press, paper, {
    module_size_mm: 0.4,
    cell_dots: 2,
    dot_gain: 12,
    ink_density: 1.3,
  });
  await fixtures.calibration(bigPress, paper, { module_size_mm: 0.5, cell_dots: 1 });
  await fixtures.calibration(strangerPress, strangerPaper);
  const inside = await fixtures.sscTemplate(brand.company, 'SSC inside', {
    codeLayout: 'sg-inside',
    printingPartner: partner.company,
    urlPrefix: PREFIX,
    activateOnComplete: true,
  });
  const outside = await fixtures.sscTemplate(brand.company, 'SSC outside', {
    codeLayout: 'sg-outside',
    urlPrefix: PREFIX,
  });
  templates.inside = inside.id;
  templates.outside = outside.id;
});

afterAll(async () => {
  await stack?.destroy();
  await smtp?.stop();
});

async function createSsc(fields: Json): Promise<Workorder> {
  const res = await brand.client.post<Workorder>('/api/v2/workorders/create-from-template/', fields);
  expect(res.status).toBe(201);
  return res.body;
}

const confirm = (client: Caller['client'], id: number, body: Json) =>
  client.patch(`/api/v2/workorders/${id}/printer-confirm/`, body);

describe('GET /api/v2/equipment/ and /api/v2/substrates/', () => {
  test('the partner sees its own equipment, newest first, paginated', async () => {
    const res = await partner.client.get<Page>('/api/v2/equipment/');
    expect(res.status).toBe(200);
    expect(res.body.count).toBe(3);
    expect(res.body.results.map((e) => e.id)).toEqual([ids.idle, ids.bigPress, ids.press]);
    expect(res.body.results[2]).toMatchObject({ name: 'HP Indigo 6900', dpi: 600 });
    const first = await partner.client.get<Page>('/api/v2/equipment?limit=1&ordering=id');
    expect(first.body.results.map((e) => e.id)).toEqual([ids.press]);
    expect(first.body.next).toBe(`${stack.baseUrl}/api/v2/equipment?limit=1&ordering=id&offset=1`);
    const brandView = await brand.client.get<Page>('/api/v2/equipment/');
    expect(brandView.body).toEqual({ count: 0, next: null, previous: null, results: [] });
  });

  test('substrates are only those calibrated for the equipment, with their calibration', async () => {
    const res = await partner.client.get<Page>(`/api/v2/substrates/?equipment=${ids.press}`);
    expect(res.status).toBe(200);
    expect(res.body.count).toBe(1);
    expect(res.body.results[0]).toMatchObject({
      id: ids.paper,
      name: 'Coated paper',
      calibration: { id: calibrationOfPaper.id, parameters: { dot_gain: 12 } },
    });
    const idle = await partner.client.get<Page>(`/api/v2/substrates/?equipment=${ids.idle}`);
    expect(idle.body.count).toBe(0);
  });

  test('without `equipment`, all of the partner’s substrates; a malformed or foreign one is a 400', async () => {
    const all = await partner.client.get<Page>('/api/v2/substrates/');
    expect(all.status).toBe(200);
    expect(all.body.results.map((s) => s.id).sort((a, b) => Number(a) - Number(b))).toEqual(
      [ids.paper, ids.foil].sort((a, b) => a - b),
    );
    expect(all.body.results.every((s) => !('calibration' in s))).toBe(true);
    const malformed = await partner.client.get('/api/v2/substrates/?equipment=abc');
    expect(malformed.body).toEqual({ equipment: ['A valid integer is required.'] });
    const foreign = await partner.client.get(`/api/v2/substrates/?equipment=${ids.strangerPress}`);
    expect(foreign.status).toBe(400);
    expect(foreign.body).toEqual({
      equipment: [`Invalid pk "${ids.strangerPress}" - object does not exist.`],
    });
  });
});

describe('an SSC workorder from creation to archive', () => {
  let workorder: Workorder;
  let entries: Map<string, Buffer>;
  let printer: PrinterConfirmation;

  test('create-from-template answers 201 waiting for the partner, and the partner is emailed at once', async () => {
    workorder = await createSsc({
      template: String(templates.inside),
      quantity: '60',
      reference: 'SSC-001',
      due_date: '2031-05-17',
      remarks: 'Gold labels',
    });
    expect(workorder).toMatchObject({
      state: 'new',
      codegen_status: 1,
      type: 'SSC',
      code_layout: 'sg-inside',
      equipment: null,
      substrate: null,
      printing_partner: { id: partner.company.id, company_type: 'printing_partner' },
    });
    const mail = await smtp.waitForEvent(workorder.id, 'created');
    expect(mail.to).toEqual([PARTNER_EMAIL]);
    expect(mail.subject).toBe('New workorder SSC-001 from Acme Secure Brands');
    expect(mail.headers.get('message-id')).toContain(`workorder-${workorder.id}.created`);
    for (const fact of [
      `Workorder: ${workorder.id}`,
      'Reference: SSC-001',
      'Brand: Acme Secure Brands',
      'Quantity: 60',
      'Due date: 2031-05-17',
      'Remarks:\n> Gold labels',
      `${stack.baseUrl}/api/v2/equipment/`,
      `PATCH ${stack.baseUrl}/api/v2/workorders/${workorder.id}/printer-confirm/`,
    ]) {
      expect(mail.text).toContain(fact);
    }
  });

  test('the partner sees the workorder addressed to it; another partner does not', async () => {
    const list = await partner.client.get<Page<Workorder>>('/api/v2/workorders/');
    expect(list.body.results.map((w) => w.id)).toContain(workorder.id);
    expect((await partner.client.get(`/api/v2/workorders/${workorder.id}/`)).status).toBe(200);
    expect((await stranger.client.get<Page>('/api/v2/workorders/')).body.count).toBe(0);
    expect((await stranger.client.get(`/api/v2/workorders/${workorder.id}/`)).status).toBe(404);
  });

  test('printer-confirm refuses what the contract refuses, and nothing changes', async () => {
    const good = { equipment: ids.press, substrate: ids.paper };
    const asBrand = await confirm(brand.client, workorder.id, good);
    expect(asBrand.status).toBe(403);
    expect(asBrand.body).toEqual({ detail: expect.any(String) });
    expect((await confirm(stranger.client, workorder.id, good)).status).toBe(404);
    expect((await confirm(stranger.client, workorder.id, good)).body).toEqual({ detail: 'Not found.' });

    const foreign = await confirm(partner.client, workorder.id, {
      equipment: String(ids.strangerPress),
      substrate: ids.paper,
    });
    expect(foreign.status).toBe(400);
    expect(foreign.body).toEqual({
      equipment: [`Invalid pk "${ids.strangerPress}" - object does not exist.`],
    });

    const uncalibrated = await confirm(partner.client, workorder.id, {
      equipment: ids.press,
      substrate: ids.foil,
    });
    expect(uncalibrated.status).toBe(400);
    expect(Object.keys(uncalibrated.body)).toEqual(['substrate']);
    expect(String((uncalibrated.body.substrate as string[])[0])).toMatch(/not calibrated/);

    const foreignSubstrate = await confirm(partner.client, workorder.id, {
      equipment: ids.press,
      substrate: ids.strangerPaper,
    });
    expect(foreignSubstrate.body).toEqual({
      substrate: [`Invalid pk "${ids.strangerPaper}" - object does not exist.`],
    });

    const malformed = await confirm(partner.client, workorder.id, {
      equipment: '1x',
      external_id: 'x'.repeat(256),
    });
    expect(malformed.status).toBe(400);
    expect(malformed.body).toEqual({
      equipment: ['A valid integer is required.'],
      substrate: ['This field is required.'],
      external_id: ['Ensure this field has no more than 255 characters.'],
    });

    const printedTooSoon = await partner.client.post(`/api/v2/workorders/${workorder.id}/printed/`);
    expect(printedTooSoon.status).toBe(409);
    expect(printedTooSoon.body).toMatchObject({ code: 'invalid_state' });

    const after = await partner.client.get(`/api/v2/workorders/${workorder.id}/`);
    expect(after.body).toMatchObject({ state: 'new', codegen_status: 1, equipment: null });
  });

  test('printer-confirm with values as strings answers 200 with the workorder generating', async () => {
    const res = await confirm(partner.client, workorder.id, {
      equipment: String(ids.press),
      substrate: String(ids.paper),
      external_id: 'job-4711',
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      id: workorder.id,
      state: 'new',
      codegen_status: 6,
      external_id: 'job-4711',
      equipment: { id: ids.press, name: 'HP Indigo 6900', dpi: 600 },
      substrate: { id: ids.paper, name: 'Coated paper' },
    });
  });

  test('a second confirmation is refused with 409', async () => {
    const res = await confirm(partner.client, workorder.id, { equipment: ids.press, substrate: ids.paper });
    expect(res.status).toBe(409);
    expect(res.body).toEqual({ detail: 'The workorder is already confirmed.', code: 'invalid_state' });
  });

  test('generation ends in "ready to print" with a codegen_file, and the partner is told', async () => {
    const ready = await partner.client.waitFor(workorder.id, (w) => w.state === 'ready to print');
    expect(ready).toMatchObject({
      codegen_status: 4,
      is_ready_to_print: true,
      progress: { codes_generated: 60 },
    });
    expect(ready.codegen_file).toEqual(expect.any(String));
    const mail = await smtp.waitForEvent(workorder.id, 'ready');
    expect(mail.subject).toBe('Codes ready: workorder SSC-001');
    expect(mail.text).toContain(`POST ${stack.baseUrl}/api/v2/workorders/${workorder.id}/printed/`);
  });

  test('the partner downloads the zip; its manifest records the printing', async () => {
    const zip = await partner.client.bytes(`/api/v2/workorders/${workorder.id}/download/`);
    expect(zip.status).toBe(200);
    entries = await readZip(zip.data);
    expect([...entries.keys()].filter((n) => n.startsWith('codes/'))).toHaveLength(60);
    const manifest = JSON.parse((entries.get('manifest.json') as Buffer).toString('utf8'));
    expect(manifest).toMatchObject({
      workorder: { id: workorder.id, type: 'SSC', quantity: 60 },
      codes: { code_layout: 'sg-inside' },
      qr: { error_correction: 'H', pixels_per_module: 9, quiet_zone_modules: 4 },
      printing: {
        equipment: { id: ids.press, name: 'HP Indigo 6900', dpi: 600 },
        substrate: { id: ids.paper, name: 'Coated paper' },
        calibration: { id: calibrationOfPaper.id, parameters: calibrationOfPaper.parameters },
        external_id: 'job-4711',
      },
    });
    printer = {
      equipment: manifest.printing.equipment,
      substrate: manifest.printing.substrate,
      calibration: manifest.printing.calibration,
      externalId: 'job-4711',
    };
  });

  test('every image decodes to its URL and carries its own secure graphic, keyed and reproducible', async () => {
    const rows = (entries.get('codes.csv') as Buffer)
      .toString('utf8')
      .trimEnd()
      .split('\n')
      .slice(1)
      .map((l) => l.split(','));
    const files = (entries.get('files.csv') as Buffer)
      .toString('utf8')
      .trimEnd()
      .split('\n')
      .slice(1)
      .map((l) => l.split(','));
    const codeKey = resolveSecrets(loadConfig(stack.env)).codeKey;
    // New workorders draw from their own key (version 2), which the manifest carries.
    const key = workorderSecureGraphicKey(deriveSecureGraphicKey(codeKey), workorder.id);
    const manifest = JSON.parse((entries.get('manifest.json') as Buffer).toString('utf8'));
    expect(manifest.format_version).toBe(2);
    expect(manifest.secure_graphic).toEqual({ version: 2, key: key.toString('hex') });
    expect(JSON.stringify(manifest)).not.toContain(deriveSecureGraphicKey(codeKey).toString('hex'));
    expect(JSON.stringify(manifest)).not.toContain(codeKey.toString('hex'));
    const code = {
      codeLayout: 'sg-inside',
      qr: { errorCorrection: 'H', pixelsPerModule: 4, quietZoneModules: 4 },
    } as CodeSettings;
    const qr = printedQrSettings(code, printer);
    const graphic = secureGraphicSettings(code, printer)!;
    const patterns = new Set<string>();
    for (const [i, [extendedId, , , , , url]] of rows.entries()) {
      // Let the event loop breathe: a keep-alive socket the API closed meanwhile is noticed, not reused.
      await new Promise((resolve) => setImmediate(resolve));
      const png = entries.get(files[i][0]) as Buffer;
      // The worker's image is exactly the QR of the URL with the pattern of this code's keyed seed.
      expect(png.equals(renderSecureQrPng(url, qr, graphic, secureGraphicSeeds(key, [extendedId])))).toBe(
        true,
      );
      if (i % 12 === 0) expect(decodeQrPng(png)).toBe(url);
      patterns.add(patternOf(png, url, qr, graphic));
    }
    expect(patterns.size).toBe(60);
    const zipText = [...entries.values()].map((b) => b.toString('latin1')).join('');
    expect(zipText).not.toContain(codeKey.toString('hex'));
    // The service's own secure-graphic key stays out; the workorder's key is in the manifest only.
    expect(zipText).not.toContain(deriveSecureGraphicKey(codeKey).toString('hex'));
  });

  test('printed by the partner, then completed by QA (the operator CLI sends this Update), then archived', async () => {
    const byBrand = await brand.client.post(`/api/v2/workorders/${workorder.id}/printed/`);
    expect(byBrand.status).toBe(403);
    const printed = await partner.client.post(`/api/v2/workorders/${workorder.id}/printed/`);
    expect(printed.status).toBe(200);
    expect(printed.body).toMatchObject({
      state: 'printed',
      codegen_status: 4,
      printed_date: expect.any(String),
    });
    expect((await partner.client.post(`/api/v2/workorders/${workorder.id}/printed/`)).status).toBe(409);

    await stack.temporal(async (client) => {
      const handle = client.workflow.getHandle(workflowIdFor(workorder.id));
      expect(await handle.executeUpdate(qaCompleteUpdate)).toMatchObject({
        workorderId: workorder.id,
        state: 'completed',
        completedDate: expect.any(String),
      });
      await expect(handle.executeUpdate(qaCompleteUpdate)).rejects.toMatchObject({
        cause: { message: expect.stringMatching(/cannot be approved/) },
      });
    });

    const archived = await brand.client.post(`/api/v2/workorders/${workorder.id}/archive/`);
    expect(archived.status).toBe(200);
    expect(archived.body).toMatchObject({ state: 'completed', is_archived: true, external_id: 'job-4711' });

    await stack.temporal(async (client) => {
      const handle = client.workflow.getHandle(workflowIdFor(workorder.id));
      await handle.result();
      expect((await handle.describe()).searchAttributes.WorkorderState).toEqual(['completed']);
      if (process.env.RECORD_HISTORIES === '1') {
        const history = await handle.fetchHistory();
        fs.writeFileSync(path.resolve(__dirname, '../histories/ssc-complete.json'), historyToJSON(history));
      }
    });
    const detail = await partner.client.get(`/api/v2/workorders/${workorder.id}/`);
    expect(detail.body).toMatchObject({
      state: 'completed',
      is_archived: true,
      equipment: { id: ids.press },
    });
  });
});

describe('Signals from the Web UI or the temporal CLI', () => {
  test('printerConfirm and qaComplete as Signals drive an sg-outside workorder to completed', async () => {
    const workorder = await createSsc({
      template: templates.outside,
      quantity: 24,
      printing_partner: partner.company.id,
    });
    const confirmation: PrinterConfirmation = {
      equipment: { id: ids.press, name: 'HP Indigo 6900', dpi: 600 },
      substrate: { id: ids.paper, name: 'Coated paper' },
      calibration: {
        id: calibrationOfPaper.id,
        parameters: { module_size_mm: 0.4, cell_dots: 2, dot_gain: 12 },
      },
      externalId: 'signal-job',
    };
    await stack.temporal(async (client) => {
      const handle = client.workflow.getHandle(workflowIdFor(workorder.id));
      // A malformed payload is ignored (logged by the workflow), never kept.
      await handle.signal(printerConfirmSignal, { equipment: 1 } as unknown as PrinterConfirmation);
      await handle.signal(printerConfirmSignal, confirmation);
    });
    const ready = await partner.client.waitFor(workorder.id, (w) => w.state === 'ready to print');
    expect(ready).toMatchObject({ external_id: 'signal-job', equipment: { id: ids.press } });

    const zip = await readZip(
      (await partner.client.bytes(`/api/v2/workorders/${workorder.id}/download/`)).data,
    );
    const rows = (zip.get('codes.csv') as Buffer)
      .toString('utf8')
      .trimEnd()
      .split('\n')
      .slice(1)
      .map((l) => l.split(','));
    const files = (zip.get('files.csv') as Buffer)
      .toString('utf8')
      .trimEnd()
      .split('\n')
      .slice(1)
      .map((l) => l.split(','));
    const code = {
      codeLayout: 'sg-outside',
      qr: { errorCorrection: 'M', pixelsPerModule: 4, quietZoneModules: 4 },
    } as CodeSettings;
    const qr = printedQrSettings(code, confirmation);
    const graphic = secureGraphicSettings(code, confirmation)!;
    const patterns = new Set<string>();
    for (const i of [0, 11, 23]) {
      const png = zip.get(files[i][0]) as Buffer;
      expect(decodeQrPng(png)).toBe(rows[i][5]);
      // The graphic stands to the right of the symbol: the image is wider than tall.
      const image = PNG.sync.read(png);
      expect(image.width).toBeGreaterThan(image.height * 1.5);
      const pattern = patternOf(png, rows[i][5], qr, graphic);
      expect(pattern).toMatch(/1/);
      patterns.add(pattern);
    }
    expect(patterns.size).toBe(3);

    expect((await partner.client.post(`/api/v2/workorders/${workorder.id}/printed/`)).status).toBe(200);
    await stack.temporal((client) =>
      client.workflow.getHandle(workflowIdFor(workorder.id)).signal(qaCompleteSignal),
    );
    await brand.client.waitFor(workorder.id, (w) => w.state === 'completed');
  });
});

describe('confirmations the workflow refuses with 409', () => {
  test('a SID workorder cannot be printer-confirmed', async () => {
    const sid = await brand.client.post<Workorder>('/api/v2/workorders/create-sid/', {
      reference: 'SID-with-partner',
      quantity: 5,
      activate_on_complete: false,
      printing_partner: partner.company.id,
    });
    expect(sid.status).toBe(201);
    const res = await confirm(partner.client, sid.body.id, { equipment: ids.press, substrate: ids.paper });
    expect(res.status).toBe(409);
    expect(res.body).toEqual({
      detail: 'Only SSC workorders are confirmed by a printer.',
      code: 'invalid_state',
    });
  });

  test('a canceled workorder cannot be confirmed; the partner is told of the cancel', async () => {
    const workorder = await createSsc({
      template: templates.inside,
      quantity: 10,
      reference: 'SSC-CANCEL-WAIT',
    });
    const canceled = await brand.client.post(`/api/v2/workorders/${workorder.id}/cancel/`, {
      reason: 'Artwork changed',
    });
    expect(canceled.status).toBe(200);
    expect(canceled.body).toMatchObject({
      state: 'canceled',
      codegen_status: 1,
      cancel_reason: 'Artwork changed',
    });
    const res = await confirm(partner.client, workorder.id, { equipment: ids.press, substrate: ids.paper });
    expect(res.status).toBe(409);
    expect(res.body).toEqual({ detail: 'The workorder is canceled.', code: 'invalid_state' });
    const mail = await smtp.waitForEvent(workorder.id, 'canceled');
    expect(mail.subject).toBe('Canceled: workorder SSC-CANCEL-WAIT');
    expect(mail.text).toContain('Reason:\n> Artwork changed');
    const download = await partner.client.get(`/api/v2/workorders/${workorder.id}/download/`);
    expect(download.status).toBe(409);
  });
});

describe('cancel while generating', () => {
  test('the partner cancels mid-generation: files removed, partner emailed, download 409', async () => {
    const workorder = await createSsc({
      template: templates.inside,
      quantity: 300,
      reference: 'SSC-CANCEL-GEN',
    });
    const confirmed = await confirm(partner.client, workorder.id, {
      equipment: ids.bigPress,
      substrate: ids.paper,
    });
    expect(confirmed.body).toMatchObject({ codegen_status: 6 });
    const canceled = await partner.client.post(`/api/v2/workorders/${workorder.id}/cancel/`, {
      reason: 'Press broke down',
    });
    expect(canceled.status).toBe(200);
    expect(canceled.body).toMatchObject({ state: 'canceled', codegen_status: 6, codegen_file: null });
    await smtp.waitForEvent(workorder.id, 'canceled');
    const dir = path.join(stack.dataDir, 'artifacts', 'workorders', String(workorder.id));
    const deadline = Date.now() + 20_000;
    while (fs.existsSync(dir) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
    expect(fs.existsSync(dir)).toBe(false);
    expect((await partner.client.get(`/api/v2/workorders/${workorder.id}/download/`)).status).toBe(409);
    expect(smtp.forWorkorder(workorder.id).map((m) => m.idempotencyKey)).not.toContain(
      `workorder-${workorder.id}.ready`,
    );
    const archived = await partner.client.post(`/api/v2/workorders/${workorder.id}/archive/`);
    expect(archived.body).toMatchObject({ state: 'canceled', is_archived: true });
  });
});

/** The pattern area's pixels as a 0/1 string, read from the PNG. */
function patternOf(
  png: Buffer,
  url: string,
  qr: ReturnType<typeof printedQrSettings>,
  graphic: NonNullable<ReturnType<typeof secureGraphicSettings>>,
): string {
  const image = PNG.sync.read(png);
  const size = QRCode.create(url, { errorCorrectionLevel: qr.errorCorrection }).modules.size;
  const area = patternArea(size, qr, graphic);
  const side = area.cells * area.cellPixels;
  let bits = '';
  for (let y = area.y; y < area.y + side; y += area.cellPixels) {
    for (let x = area.x; x < area.x + side; x += area.cellPixels)
      bits += image.data[(y * image.width + x) * 4] < 128 ? '1' : '0';
  }
  return bits;
}
