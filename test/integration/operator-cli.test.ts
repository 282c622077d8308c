/**
 * The operator CLI (src/cli) as operators run it, `npm run admin` minus npm: each command prints
 * the record it made as one JSON object, bad input exits 2 with a message, and `workorder complete`
 * approves a printed SSC workorder through the workflow. Other tests seed their fixtures through
 * the store directly (test/support/fixtures.ts); this is the one that runs the CLI.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import type { Json, Workorder } from '../support/api-client';
import { ApiClient } from '../support/api-client';
import { Stack } from '../support/stack';

const LAUNCHER = path.resolve(__dirname, '../../scripts/admin.mjs');
let stack: Stack;

function adminRaw(...args: string[]) {
  return spawnSync(process.execPath, [LAUNCHER, ...args], {
    env: { PATH: process.env.PATH ?? '', ...stack.env },
    encoding: 'utf8',
  });
}

/** Runs a command that must succeed; returns the JSON it printed. */
function admin(...args: string[]): Json {
  const result = adminRaw(...args);
  if (result.status !== 0)
    throw new Error(`admin ${args.join(' ')} exited ${result.status}: ${result.stderr}`);
  return JSON.parse(result.stdout) as Json;
}

/** What the README's walk-through makes: a brand, a printing partner, its press and paper. */
const made: Record<string, Json> = {};

beforeAll(async () => {
  stack = await (await Stack.create({ env: { REMINDER_DELAY: '1 hour' } })).start();
});

afterAll(async () => {
  await stack?.destroy();
});

describe('setting up a brand and a printing partner', () => {
  test('companies, tokens and templates: each command prints the record it made', async () => {
    made.brand = admin('company', 'create', '--name', 'Acme Brands', '--type', 'brand_owner');
    expect(made.brand).toMatchObject({
      id: expect.any(Number),
      name: 'Acme Brands',
      company_type: 'brand_owner',
    });
    made.partner = admin(
      'company',
      'create',
      '--name',
      'Print Co',
      '--type',
      'printing_partner',
      '--email',
      'jobs@print.example',
    );
    expect(made.partner).toMatchObject({ company_type: 'printing_partner', email: 'jobs@print.example' });

    made.brandToken = admin(
      'token',
      'create',
      '--company',
      String(made.brand.id),
      '--permissions',
      'workorder_view,workorder_create',
      '--expires',
      '2099-12-31',
    );
    expect(made.brandToken).toMatchObject({
      company: made.brand.id,
      permissions: ['workorder_view', 'workorder_create'],
      expires: '2099-12-31T23:59:59.999Z',
      token: expect.stringMatching(/^uat_/),
    });
    // The token the CLI shows once is the one the API accepts.
    const me = await new ApiClient(stack.baseUrl, String(made.brandToken.token)).get('/api/v2/me/');
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({ company: { id: made.brand.id } });
    made.partnerToken = admin(
      'token',
      'create',
      '--company',
      String(made.partner.id),
      '--permissions',
      'workorder_view,workorder_edit',
    );

    const sid = admin(
      'template',
      'create',
      '--company',
      String(made.brand.id),
      '--name',
      'SID serialized',
      '--type',
      'SID',
      '--url-prefix',
      'https://qr.acme.example/q/',
      '--activate-on-complete',
    );
    expect(sid).toMatchObject({
      type: 'SID',
      code_layout: 'qr',
      url_prefix: 'HTTPS://QR.ACME.EXAMPLE/Q/',
      activate_on_complete: 1,
      use_serial_number: 1,
    });
    made.ssc = admin(
      'template',
      'create',
      '--company',
      String(made.brand.id),
      '--name',
      'Secure',
      '--type',
      'SSC',
      '--code-layout',
      'sg-inside',
      '--printing-partner',
      String(made.partner.id),
    );
    expect(made.ssc).toMatchObject({
      type: 'SSC',
      code_layout: 'sg-inside',
      printing_partner_id: made.partner.id,
    });
    // Ordering from that template needs the two linked; the operator links them directly.
    expect(admin('partnership', 'link', String(made.brand.id), String(made.partner.id))).toMatchObject({
      brand: made.brand.id,
      partner: made.partner.id,
      state: 'active',
      permissions: ['see', 'confirm', 'download'],
    });
    expect(
      admin('brand', 'create', '--company', String(made.brand.id), '--name', 'Acme Snacks'),
    ).toMatchObject({
      company_id: made.brand.id,
      name: 'Acme Snacks',
      image: null,
    });
  });

  test('equipment, substrates and calibrations, which keep their printing parameters', () => {
    made.press = admin(
      'equipment',
      'create',
      '--company',
      String(made.partner.id),
      '--name',
      'HP Indigo',
      '--dpi',
      '600',
    );
    expect(made.press).toMatchObject({ company_id: made.partner.id, name: 'HP Indigo', dpi: 600 });
    made.paper = admin('substrate', 'create', '--company', String(made.partner.id), '--name', 'Coated paper');
    made.foil = admin('substrate', 'create', '--company', String(made.partner.id), '--name', 'Silver foil');
    const calibration = admin(
      'calibration',
      'create',
      '--equipment',
      String(made.press.id),
      '--substrate',
      String(made.paper.id),
      '--module-size-mm',
      '0.4',
      '--dot-gain',
      '12',
      '--ink-density',
      '1.3',
    );
    expect(calibration).toMatchObject({
      equipment_id: made.press.id,
      substrate_id: made.paper.id,
      parameters: { module_size_mm: 0.4, cell_dots: 2, dot_gain: 12, ink_density: 1.3 },
    });
  });

  test.each([
    [
      ['company', 'create', '--name', 'X', '--type', 'agency'],
      /--type must be brand_owner or printing_partner/,
    ],
    [['token', 'create', '--company', 'BRAND', '--permissions', 'workorder_fly'], /unknown permission/],
    [
      ['token', 'create', '--company', 'BRAND', '--permissions', 'workorder_view', '--expires', '2099-02-30'],
      /--expires/,
    ],
    [['template', 'create', '--company', 'PARTNER', '--name', 'T', '--type', 'SID'], /not a brand_owner/],
    [
      [
        'template',
        'create',
        '--company',
        'BRAND',
        '--name',
        'T',
        '--type',
        'SID',
        '--code-layout',
        'sg-inside',
      ],
      /--code-layout/,
    ],
    [['brand', 'create', '--company', 'BRAND'], /--name is required/],
    [['brand', 'create', '--company', 'x', '--name', 'N'], /--company must be a positive integer/],
    [['brand', 'create', '--company', '99999', '--name', 'N'], /no company 99999/],
    [['brand', 'create', '--company', 'PARTNER', '--name', 'N'], /not a brand_owner/],
    [['brand', 'create', '--company', 'BRAND', '--name', 'Acme Snacks'], /already has a brand named/],
    [['equipment', 'create', '--company', 'BRAND', '--name', 'X', '--dpi', '600'], /not a printing_partner/],
    [
      ['equipment', 'create', '--company', 'PARTNER', '--name', 'X', '--dpi', '0'],
      /--dpi must be a positive integer/,
    ],
    [['equipment', 'create', '--company', 'PARTNER', '--dpi', '600'], /--name is required/],
    [['substrate', 'create', '--company', '999999', '--name', 'X'], /no company 999999/],
    [['calibration', 'create', '--equipment', 'PRESS', '--substrate', 'PAPER'], /already calibrated/],
    [
      ['calibration', 'create', '--equipment', 'PRESS', '--substrate', 'FOIL', '--dot-gain', '75'],
      /--dot-gain must be/,
    ],
    [['workorder', 'fly'], /unknown command "workorder fly"/],
  ])('bad input exits 2 with a message and the usage: %j', (args, message) => {
    const names: Record<string, unknown> = {
      BRAND: made.brand.id,
      PARTNER: made.partner.id,
      PRESS: made.press.id,
      PAPER: made.paper.id,
      FOIL: made.foil.id,
    };
    const result = adminRaw(...args.map((a) => String(names[a] ?? a)));
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/^admin: /);
    expect(result.stderr).toMatch(message);
    expect(result.stderr).toContain('usage: npm run --silent admin -- <command>');
  });

  test('a calibration across two printing partners is refused', () => {
    const other = admin('company', 'create', '--name', 'Other Print', '--type', 'printing_partner');
    const otherPaper = admin('substrate', 'create', '--company', String(other.id), '--name', 'Paper');
    const result = adminRaw(
      'calibration',
      'create',
      '--equipment',
      String(made.press.id),
      '--substrate',
      String(otherPaper.id),
    );
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/another printing partner/);
  });
});

describe('workorder complete', () => {
  test('approves a printed SSC workorder once; a second approval is refused with the reason', async () => {
    const brand = new ApiClient(stack.baseUrl, String(made.brandToken.token));
    const partner = new ApiClient(stack.baseUrl, String(made.partnerToken.token));
    const created = await brand.post<Workorder>('/api/v2/workorders/create-from-template/', {
      template: made.ssc.id,
      quantity: 5,
    });
    expect(created.status).toBe(201);
    const { id } = created.body;
    const confirmed = await partner.patch(`/api/v2/workorders/${id}/printer-confirm/`, {
      equipment: made.press.id,
      substrate: made.paper.id,
    });
    expect(confirmed.status).toBe(200);
    await partner.waitFor(id, (w) => w.state === 'ready to print');
    expect((await partner.post(`/api/v2/workorders/${id}/printed/`)).status).toBe(200);

    expect(admin('workorder', 'complete', String(id))).toMatchObject({
      workorderId: id,
      state: 'completed',
      completedDate: expect.any(String),
    });
    const again = adminRaw('workorder', 'complete', String(id));
    expect(again.status).toBe(1);
    expect(again.stderr).toMatch(/^admin: .*cannot be approved/);
    expect((await brand.get<Workorder>(`/api/v2/workorders/${id}/`)).body.state).toBe('completed');
  });

  test('an unknown workorder exits 2', () => {
    const result = adminRaw('workorder', 'complete', '99999999');
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/no workorder 99999999/);
  });
});
