/**
 * The printer's path through the real stack (Temporal dev server, worker and API processes,
 * SQLite): a partner downloads an SSC workorder's zip and the generator from GET
 * /api/v2/generator/, and with only those two files and `node`, in a directory outside the
 * repository, renders the zip's own images byte for byte.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type { Workorder } from '../support/api-client';
import type { Caller } from '../support/fixtures';
import { decodeQrPng } from '../support/qr';
import { Stack } from '../support/stack';
import { readZip } from '../support/zip';

const run = promisify(execFile);
let stack: Stack;
let brand: Caller;
let partner: Caller;
let away: string;

beforeAll(async () => {
  stack = await (await Stack.create({ env: { REMINDER_DELAY: '1 hour' } })).start();
  brand = await stack.fixtures.brandOwner('Generator Brand');
  partner = await stack.fixtures.printingPartner('Generator Print', 'jobs@generator.example');
  const press = await stack.fixtures.equipment(partner.company, 'Press', 600);
  const paper = await stack.fixtures.substrate(partner.company, 'Paper');
  await stack.fixtures.calibration(press, paper, { module_size_mm: 0.4, cell_dots: 2, dot_gain: 12 });
  const template = await stack.fixtures.sscTemplate(brand.company, 'SSC', {
    codeLayout: 'sg-inside',
    printingPartner: partner.company,
  });
  const created = await brand.client.post<Workorder>('/api/v2/workorders/create-from-template/', {
    template: template.id,
    quantity: 120,
    reference: 'generator',
  });
  expect(created.status).toBe(201);
  const confirmed = await partner.client.patch(`/api/v2/workorders/${created.body.id}/printer-confirm/`, {
    equipment: press.id,
    substrate: paper.id,
  });
  expect(confirmed.status).toBe(200);
  await partner.client.waitFor(created.body.id, (w) => w.state === 'ready to print');
  away = fs.mkdtempSync(path.join(os.tmpdir(), 'printer-'));
  const zip = await partner.client.bytes(`/api/v2/workorders/${created.body.id}/download/`);
  expect(zip.status).toBe(200);
  fs.writeFileSync(path.join(away, `workorder-${created.body.id}.zip`), zip.data);
}, 180_000);

afterAll(async () => {
  await stack?.destroy();
  if (away) fs.rmSync(away, { recursive: true, force: true });
});

describe('GET /api/v2/generator/', () => {
  test('any valid token gets the one-file generator; none gets 401', async () => {
    const res = await partner.client.bytes('/api/v2/generator/');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/javascript/);
    expect(res.headers.get('content-disposition')).toBe('attachment; filename="workorder-generator.js"');
    fs.writeFileSync(path.join(away, 'workorder-generator.js'), res.data);
    expect((await brand.client.bytes('/api/v2/generator/')).status).toBe(200);
    expect((await fetch(`${stack.baseUrl}/api/v2/generator/`)).status).toBe(401);
  });

  test('with the zip and node alone, the printer renders the zip’s own images', async () => {
    const zipName = fs.readdirSync(away).find((f) => f.endsWith('.zip')) as string;
    const { stdout } = await run(process.execPath, ['workorder-generator.js', zipName, '--out', 'codes/'], {
      cwd: away,
      env: { PATH: process.env.PATH ?? '' },
    });
    expect(stdout).toMatch(/120 codes \(0 already there\)/);
    const entries = await readZip(fs.readFileSync(path.join(away, zipName)));
    const manifest = JSON.parse((entries.get('manifest.json') as Buffer).toString('utf8'));
    expect(manifest).toMatchObject({ format_version: 2, secure_graphic: { version: 2 } });
    const images = [...entries].filter(([name]) => name.startsWith('codes/'));
    expect(images).toHaveLength(120);
    for (const [name, png] of images) {
      expect(fs.readFileSync(path.join(away, 'codes', path.basename(name))).equals(png)).toBe(true);
    }
    expect(decodeQrPng(images[0][1])).toMatch(/^HTTPS:\/\//);
  });
});
