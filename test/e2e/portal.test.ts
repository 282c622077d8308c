/**
 * The partner portal end to end, in a real headless Chromium against the real worker and API: a
 * printing partner signs in, finds the brand's new SSC workorder at the top, reads its details,
 * confirms a calibrated equipment × substrate in the dialog, watches the codes being generated,
 * downloads the zip and the serial numbers, marks it printed; refusals are shown where they belong.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Locator, Page } from 'playwright-core';
import type { Json, Workorder } from '../support/api-client';
import { ALL_WORKORDER_PERMISSIONS, type Caller } from '../support/fixtures';
import { Stack } from '../support/stack';
import { readZip } from '../support/zip';
import {
  ARTIFACTS,
  expectFocused,
  expectText,
  launchChromium,
  optionTexts,
  Shots,
  waitForCount,
  waitForOptions,
  type Browser,
} from './browser';

const PREFIX = 'HTTPS://SSC.EXAMPLE.ORG/Q/';
const MAIN_REF = 'ACME-2026-0042';
const QUANTITY = 250;

let stack: Stack;
let brand: Caller;
let partner: Caller;
let browser: Browser;
let page: Page;
let shots: Shots;
const orders = { main: 0, older: 0, contested: 0 };
const requestedUrls: string[] = [];
const consoleErrors: string[] = [];

beforeAll(async () => {
  expect(fs.existsSync(path.resolve(__dirname, '../../dist/portal/app.js'))).toBe(true);
  shots = new Shots();
  stack = await (await Stack.create({ env: { REMINDER_DELAY: '1 hour' } })).start();
  const { fixtures } = stack;
  brand = await fixtures.brandOwner('Acme Secure Brands', [
    ...ALL_WORKORDER_PERMISSIONS,
    'product_view',
    'product_create',
  ]);
  const acmeWines = await fixtures.brand(brand.company, 'Acme Wines');
  const product = await brand.client.post('/api/v2/products/', {
    sku: 'WINE-750',
    brand_id: acmeWines.id,
    name: 'Reserve Red 750 ml',
  });
  expect(product.status).toBe(201);

  partner = await fixtures.printingPartner('Print Partner AG', 'jobs@print-partner.example');
  const press = await fixtures.equipment(partner.company, 'HP Indigo 6900', 600);
  const finePress = await fixtures.equipment(partner.company, 'Fine Press', 1200);
  await fixtures.equipment(partner.company, 'Idle Press', 600);
  const paper = await fixtures.substrate(partner.company, 'Coated paper');
  const foil = await fixtures.substrate(partner.company, 'Silver foil');
  await fixtures.calibration(press, paper, { module_size_mm: 0.4 });
  await fixtures.calibration(finePress, foil);
  const { id: template } = await fixtures.sscTemplate(brand.company, 'Neck label SSC', {
    codeLayout: 'sg-inside',
    printingPartner: partner.company,
    urlPrefix: PREFIX,
  });

  const create = async (fields: Json) => {
    const res = await brand.client.post<Workorder>('/api/v2/workorders/create-from-template/', {
      template,
      ...fields,
    });
    expect(res.status).toBe(201);
    return res.body.id;
  };
  orders.older = await create({ reference: 'ACME-OLDER', quantity: 5 });
  orders.contested = await create({ reference: 'ACME-CONTESTED', quantity: 5 });
  orders.main = await create({
    reference: MAIN_REF,
    quantity: QUANTITY,
    product: 'WINE-750',
    due_date: '2026-12-15',
    remarks: 'Neck labels, lot 7. Print the serial number under each code.',
  });

  browser = await launchChromium();
  page = await newTab();
});

afterAll(async () => {
  await browser?.close();
  await stack?.destroy();
});

async function newTab(): Promise<Page> {
  const tab = await browser.context.newPage();
  tab.on('request', (r) => requestedUrls.push(r.url()));
  tab.on('console', (m) => {
    // Refusals the test provokes (400, 401, 409) are logged by Chromium as failed loads: expected.
    if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) consoleErrors.push(m.text());
  });
  tab.on('pageerror', (e) => consoleErrors.push(e.message));
  return tab;
}

async function signIn(tab: Page): Promise<void> {
  await tab.goto(`${stack.baseUrl}/portal`);
  await tab.getByLabel('Access token').fill(partner.token);
  await tab.keyboard.press('Enter');
  await tab.locator('#workorders > li').first().waitFor();
}

const card = (tab: Page, id: number): Locator => tab.locator(`#wo-${id}`);

/** Picks equipment and substrate in a card's confirm form and submits it through the dialog. */
async function confirmInCard(tab: Page, id: number, externalId: string): Promise<void> {
  const c = card(tab, id);
  await c.getByLabel('Printing equipment').selectOption({ label: 'HP Indigo 6900 (600 dpi)' });
  await c.getByLabel('Substrate').selectOption({ label: 'Coated paper' });
  await c.getByLabel('External ID').fill(externalId);
  await c.getByRole('button', { name: 'Generate Codes' }).last().click();
  await tab.getByRole('dialog').getByRole('button', { name: 'Confirm' }).click();
}

describe('serving /portal/', () => {
  test('the page and its files come from the service under a strict CSP; /portal redirects', async () => {
    const redirect = await fetch(`${stack.baseUrl}/portal`, { redirect: 'manual' });
    expect(redirect.status).toBe(301);
    expect(redirect.headers.get('location')).toBe('/portal/');
    for (const [file, type] of [
      ['', 'text/html'],
      ['app.js', 'javascript'],
      ['styles.css', 'text/css'],
    ]) {
      const res = await fetch(`${stack.baseUrl}/portal/${file}`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toContain(type);
      const csp = res.headers.get('content-security-policy') ?? '';
      expect(csp).toContain("default-src 'self'");
      expect(csp).toContain("script-src 'self'");
      expect(csp).not.toContain('unsafe-inline');
    }
    const html = await (await fetch(`${stack.baseUrl}/portal/`)).text();
    expect(html).not.toMatch(/<script>|<script(?![^>]*\bsrc=)[^>]*>|\sstyle=|https?:\/\//);
    expect((await fetch(`${stack.baseUrl}/portal/missing.js`)).status).toBe(404);
  });
});

describe('a printing partner processes a secure-code workorder in the portal', () => {
  test('a wrong token is refused next to the field; the partner signs in with the keyboard', async () => {
    await page.goto(`${stack.baseUrl}/portal/`);
    const token = page.getByLabel('Access token');
    await token.fill('not-a-token');
    await token.press('Enter');
    await page.getByText('This token is not valid or has expired.').waitFor();
    expect(await token.getAttribute('aria-invalid')).toBe('true');
    await shots.take(page, 'sign-in-refused');

    await token.fill(partner.token);
    await token.press('Enter');
    await page.getByText('Print Partner AG (printing partner)').waitFor();
    await page.locator('#workorders > li').first().waitFor();
    expect(await page.evaluate('sessionStorage.length')).toBe(1);
  });

  test('the newest workorder is at the top, with its state, codegen status in words and progress', async () => {
    const first = page.locator('#workorders > li').first();
    expect(await first.getAttribute('data-workorder-id')).toBe(String(orders.main));
    expect(await page.locator('#workorders > li h3').allTextContents()).toEqual([
      MAIN_REF,
      'ACME-CONTESTED',
      'ACME-OLDER',
    ]);
    await expectText(first.locator('.badge'), 'New');
    await expectText(first.locator('.codegen'), 'Waiting for printer confirmation (codegen status 1)');
    await expectText(first.locator('.progress-text'), `0 of ${QUANTITY} codes generated`);
    expect(await first.locator('progress').getAttribute('max')).toBe(String(QUANTITY));
    await expectText(page.locator('#list-count'), 'Showing 3 of 3 workorders.');
    await shots.take(page, 'workorders-list');
  });

  test('expanding the workorder shows everything the brand submitted', async () => {
    const main = card(page, orders.main);
    const toggle = main.locator('.toggle');
    await toggle.focus();
    await page.keyboard.press('Enter');
    expect(await toggle.getAttribute('aria-expanded')).toBe('true');
    const facts = Object.fromEntries(
      await main
        .locator('.fact')
        .evaluateAll((nodes) =>
          nodes.map((n) => [n.querySelector('dt')?.textContent, n.querySelector('dd')?.textContent]),
        ),
    );
    expect(facts).toMatchObject({
      Reference: MAIN_REF,
      Workorder: `#${orders.main}`,
      'Brand owner': 'Acme Secure Brands',
      Brand: 'Acme Wines',
      Product: 'Reserve Red 750 ml (SKU WINE-750)',
      Quantity: `${QUANTITY} codes`,
      'Due date': '15 Dec 2026',
      Remarks: 'Neck labels, lot 7. Print the serial number under each code.',
      Type: 'Secure code (SSC)',
      'Code layout': 'QR with the secure graphic inside',
      'Serial numbers': 'Yes',
      'URL prefix': PREFIX,
      'Printing partner': 'Print Partner AG',
    });
    expect(facts.Template).toMatch(/^#\d+$/);
    expect(facts.Created).toMatch(/2026|20\d\d/);
    await shots.take(page, 'workorder-details', { fullPage: true });
  });

  test('the substrate list holds only substrates calibrated for the chosen equipment', async () => {
    const main = card(page, orders.main);
    await main.getByRole('button', { name: 'Generate Codes' }).first().click();
    const equipmentSelect = main.getByLabel('Printing equipment');
    await expectFocused(equipmentSelect);
    expect(await optionTexts(equipmentSelect)).toEqual([
      'Choose equipment…',
      'HP Indigo 6900 (600 dpi)',
      'Fine Press (1,200 dpi)',
      'Idle Press (600 dpi)',
    ]);
    const substrateSelect = main.getByLabel('Substrate');
    expect(await substrateSelect.isDisabled()).toBe(true);

    await equipmentSelect.selectOption({ label: 'Idle Press (600 dpi)' });
    await main.getByText('No substrate is calibrated for this equipment yet').waitFor();
    expect(await substrateSelect.isDisabled()).toBe(true);
    await shots.take(page, 'no-calibrated-substrate');

    await equipmentSelect.selectOption({ label: 'Fine Press (1,200 dpi)' });
    await waitForOptions(substrateSelect, ['Choose a substrate…', 'Silver foil']);
    await equipmentSelect.selectOption({ label: 'HP Indigo 6900 (600 dpi)' });
    await waitForOptions(substrateSelect, ['Choose a substrate…', 'Coated paper']);
    expect(await main.getByText('No substrate is calibrated').count()).toBe(0);

    // Submitting without a substrate is caught before anything is sent.
    await main.getByRole('button', { name: 'Generate Codes' }).last().click();
    await main.getByText('Choose a substrate calibrated for this equipment.').waitFor();
    await expectFocused(substrateSelect);
  });

  test("'Generate Codes' asks for confirmation in a dialog that warns nothing can change afterwards", async () => {
    const main = card(page, orders.main);
    await main.getByLabel('Substrate').selectOption({ label: 'Coated paper' });
    await main.getByLabel('External ID').fill('PP-JOB-7781');
    await shots.take(page, 'confirm-form');
    await main.getByRole('button', { name: 'Generate Codes' }).last().click();
    const dialog = page.getByRole('dialog');
    await dialog.waitFor();
    expect(
      await page.locator('dialog#confirm-dialog').evaluate((d) => (d as unknown as { open: boolean }).open),
    ).toBe(true);
    await expectText(dialog, 'Nothing can be changed after you confirm');
    await expectText(
      dialog,
      `${MAIN_REF}: ${QUANTITY} codes, printed on HP Indigo 6900 (600 dpi) on Coated paper.`,
    );
    await shots.take(page, 'confirm-dialog');

    // 'Back' changes nothing; the workorder still waits.
    await dialog.getByRole('button', { name: 'Back' }).click();
    expect((await partner.client.get(`/api/v2/workorders/${orders.main}/`)).body.codegen_status).toBe(1);

    await main.getByRole('button', { name: 'Generate Codes' }).last().click();
    const confirmed = page.waitForResponse((r) => r.url().includes('/printer-confirm/'));
    await dialog.getByRole('button', { name: 'Confirm' }).click();
    const response = await confirmed;
    expect(response.status()).toBe(200);
    expect(((await response.json()) as Json).codegen_status).toBe(6);
    await main
      .locator('.codegen', { hasText: 'Generating codes (codegen status 6)' })
      .waitFor({ timeout: 1_000 });
    await expectText(main.locator('.progress-text'), `of ${QUANTITY} codes generated`);
    expect(await main.locator('progress').getAttribute('max')).toBe(String(QUANTITY));
    await shots.take(page, 'generating', { top: main });
  });

  test('progress is followed until the codes are generated; the zip downloads and holds the codes', async () => {
    const main = card(page, orders.main);
    await main
      .locator('.codegen', { hasText: 'Codes generated (codegen status 4)' })
      .waitFor({ timeout: 90_000 });
    await expectText(main.locator('.badge'), 'Ready to print');
    await expectText(main.locator('.progress-text'), `${QUANTITY} of ${QUANTITY} codes generated`);
    await expectText(
      page.locator('#status'),
      `The codes of ${MAIN_REF} are generated and ready to download.`,
    );
    await shots.take(page, 'ready-to-print', { top: main });

    const [download] = await Promise.all([
      page.waitForEvent('download'),
      main.getByRole('link', { name: 'Download codes (zip)' }).click(),
    ]);
    expect(download.suggestedFilename()).toBe(`workorder-${orders.main}.zip`);
    const saved = path.join(ARTIFACTS, 'downloads', download.suggestedFilename());
    await download.saveAs(saved);
    const zip = await readZip(fs.readFileSync(saved));
    const codes = zip.get('codes.csv')?.toString().trim().split('\n') ?? [];
    expect(codes[0]).toBe('extended_id,serial_number,sequence_number,batch_number,batch_sequence_number,url');
    expect(codes).toHaveLength(QUANTITY + 1);
    expect(codes[1]).toContain(PREFIX);
    const manifest = JSON.parse(zip.get('manifest.json')?.toString() ?? '{}') as Json;
    expect(manifest.workorder).toMatchObject({ id: orders.main, reference: MAIN_REF, quantity: QUANTITY });
    expect(manifest.printing).toMatchObject({
      equipment: { name: 'HP Indigo 6900', dpi: 600 },
      substrate: { name: 'Coated paper' },
      external_id: 'PP-JOB-7781',
    });
    expect([...zip.keys()].filter((k) => k.startsWith('codes/') && k.endsWith('.png'))).toHaveLength(
      QUANTITY,
    );
  });

  test('the serial-number CSV downloads with the token in a header, never in a URL', async () => {
    const main = card(page, orders.main);
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      main.getByRole('button', { name: 'Download serial numbers (CSV)' }).click(),
    ]);
    expect(download.suggestedFilename()).toBe(`workorder-${orders.main}-serial-numbers.csv`);
    const saved = path.join(ARTIFACTS, 'downloads', download.suggestedFilename());
    await download.saveAs(saved);
    const rows = fs.readFileSync(saved, 'utf8').trim().split('\n');
    expect(rows[0]).toBe('serial_number,extended_id');
    expect(rows).toHaveLength(QUANTITY + 1);
    expect(requestedUrls.some((u) => u.includes(partner.token))).toBe(false);
  });

  test('the code generator downloads as one file the zip can be run through', async () => {
    const main = card(page, orders.main);
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      main.getByRole('button', { name: 'Download the code generator' }).click(),
    ]);
    expect(download.suggestedFilename()).toBe('workorder-generator.js');
    const saved = path.join(ARTIFACTS, 'downloads', download.suggestedFilename());
    await download.saveAs(saved);
    expect(fs.readFileSync(saved, 'utf8')).toMatch(/^#!\/usr\/bin\/env node\n/);
    expect(requestedUrls.some((u) => u.includes(partner.token))).toBe(false);
  });

  test("'Mark printed' tells the brand the order is printed", async () => {
    const main = card(page, orders.main);
    await main.getByRole('button', { name: 'Mark printed' }).click();
    const dialog = page.getByRole('dialog');
    await expectText(dialog, 'Mark as printed?');
    await dialog.getByRole('button', { name: 'Mark printed' }).click();
    await main.locator('.badge', { hasText: 'Printed' }).waitFor();
    await expectText(page.locator('#status'), `${MAIN_REF} is marked printed.`);
    expect(await main.getByRole('button', { name: 'Mark printed' }).count()).toBe(0);
    expect(await main.getByRole('button', { name: /Cancel workorder/ }).count()).toBe(0);
    const seen = await brand.client.get(`/api/v2/workorders/${orders.main}/`);
    expect(seen.body).toMatchObject({ state: 'printed' });
    await shots.take(page, 'printed', { top: main });
  });

  test("the API's 400 is shown next to its field; a workorder confirmed in another tab gives a 409 banner", async () => {
    const contested = card(page, orders.contested);
    await contested.getByRole('button', { name: 'Show details' }).click();
    await confirmInCard(page, orders.contested, 'X'.repeat(300));
    const externalError = contested.locator(`#wo-${orders.contested}-external_id-error`);
    await externalError.waitFor();
    expect(await externalError.textContent()).toMatch(/255/);
    expect(await contested.getByLabel('External ID').getAttribute('aria-invalid')).toBe('true');
    await shots.take(page, 'field-error');

    const otherTab = await newTab();
    await signIn(otherTab);
    await card(otherTab, orders.contested).getByRole('button', { name: 'Generate Codes' }).first().click();
    await confirmInCard(otherTab, orders.contested, 'OTHER-TAB');
    await card(otherTab, orders.contested)
      .locator('.codegen', { hasText: /Generating codes|Codes generated/ })
      .waitFor();
    await otherTab.close();

    await confirmInCard(page, orders.contested, 'PP-JOB-7790');
    const banner = contested.getByRole('alert');
    await banner.waitFor();
    expect(await banner.textContent()).toMatch(/confirm/i);
    // The card then shows the workorder as it is now: confirmed in the other tab.
    await contested.locator('.fact', { hasText: 'OTHER-TAB' }).waitFor();
    expect(await contested.getByLabel('Printing equipment').count()).toBe(0);
    await shots.take(page, 'conflict-banner', { top: contested });
  });

  test('a workorder is canceled with a reason', async () => {
    const older = card(page, orders.older);
    await older.getByRole('button', { name: 'Show details' }).click();
    await older.getByRole('button', { name: 'Cancel workorder…' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel(/Reason/).fill('Artwork changed; the brand will send a new order.');
    await shots.take(page, 'cancel-dialog');
    await dialog.getByRole('button', { name: 'Cancel workorder' }).click();
    await older.locator('.badge', { hasText: 'Canceled' }).waitFor();
    await older.locator('.fact', { hasText: 'Artwork changed' }).waitFor();
    const seen = await brand.client.get(`/api/v2/workorders/${orders.older}/`);
    expect(seen.body).toMatchObject({
      state: 'canceled',
      cancel_reason: 'Artwork changed; the brand will send a new order.',
    });
  });

  test('the list filters by state and archived', async () => {
    await page.getByLabel('State').selectOption({ label: 'Printed' });
    await waitForCount(page.locator('#workorders > li'), 1);
    expect(await page.locator('#workorders > li h3').allTextContents()).toEqual([MAIN_REF]);
    await page.getByLabel('State').selectOption({ label: 'All states' });
    await page.getByLabel('Show').selectOption({ label: 'Archived' });
    await page.getByText('No workorders match these filters.').waitFor();
    await page.getByLabel('Show').selectOption({ label: 'Current' });
    await waitForCount(page.locator('#workorders > li'), 3);
  });

  test('at phone width nothing overflows sideways', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    // Cards opened before the filters changed stay open.
    expect(await card(page, orders.main).locator('.toggle').getAttribute('aria-expanded')).toBe('true');
    expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(390);
    await shots.take(page, 'phone', { top: page.locator('header') });
    expect(consoleErrors).toEqual([]);
  });
});

describe('invitations from brands', () => {
  test("the partner sees a brand's invitation and accepts it; the list then has none", async () => {
    const inviter = await stack.fixtures.brandOwner('Inviting Cosmetics', ['partnership_manage']);
    const invited = await inviter.client.post<{ id: number }>('/api/v2/partnerships/', {
      invitation_code: partner.company.invitation_code,
    });
    expect(invited.status).toBe(201);
    const tab = await newTab();
    await signIn(tab);
    const invitation = tab.locator('#invitations > li');
    await invitation.getByText('Inviting Cosmetics invites you').waitFor();
    await invitation.getByRole('button', { name: 'Accept the invitation of Inviting Cosmetics' }).click();
    await tab.getByText('You are now a partner of Inviting Cosmetics.').waitFor({ state: 'attached' });
    await waitForCount(invitation, 0);
    expect(await tab.locator('#invitations-view').isHidden()).toBe(true);
    const list = await partner.client.get<{ results: Array<{ id: number; state: string }> }>(
      '/api/v2/partnerships/',
    );
    expect(list.body.results.find((p) => p.id === invited.body.id)?.state).toBe('active');
    await tab.close();
  });
});
