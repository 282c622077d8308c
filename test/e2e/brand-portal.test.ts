/**
 * The brand portal end to end, in a real headless Chromium against the real worker and API: a brand
 * owner with only a token orders (the create form, its errors next to the fields, an
 * `Idempotency-Key` that makes a retried submit one workorder), follows and downloads a workorder,
 * cancels and archives, and uploads a product CSV whose errors are shown by row, then fixed.
 * Nothing is mocked; the one lost answer is made by the browser's request routing.
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
  Shots,
  waitForCount,
  waitForOptions,
  type Browser,
} from './browser';

const DIR = path.join(path.dirname(ARTIFACTS), 'brand-portal');
const DOWNLOADS = path.join(DIR, 'downloads');

let stack: Stack;
let brand: Caller;
let partner: Caller;
let browser: Browser;
let page: Page;
let shots: Shots;
let brandId = 0;
const consoleErrors: string[] = [];
const requestedUrls: string[] = [];
const created = { ssc: 0, sid: 0 };

beforeAll(async () => {
  expect(fs.existsSync(path.resolve(__dirname, '../../dist/portal/app.js'))).toBe(true);
  shots = new Shots(DIR);
  fs.mkdirSync(DOWNLOADS, { recursive: true });
  stack = await (await Stack.create({ env: { REMINDER_DELAY: '1 hour' } })).start();
  const { fixtures } = stack;
  brand = await fixtures.brandOwner('Acme Secure Brands', [
    ...ALL_WORKORDER_PERMISSIONS,
    'product_view',
    'product_create',
    'product_edit',
    'partnership_view',
  ]);
  brandId = (await fixtures.brand(brand.company, 'Acme Wines')).id;
  expect(
    (
      await brand.client.post('/api/v2/products/', {
        sku: 'WINE-750',
        brand_id: brandId,
        name: 'Reserve Red 750 ml',
      })
    ).status,
  ).toBe(201);
  partner = await fixtures.printingPartner('Print Partner AG', 'jobs@print-partner.example');
  await fixtures.partnership(brand.company, partner.company);
  await fixtures.sscTemplate(brand.company, 'Open SSC');
  await fixtures.sidTemplate(brand.company, 'Carton SID', { urlPrefix: 'HTTPS://QR.ACME.EXAMPLE/Q/' });
  browser = await launchChromium();
  page = await browser.context.newPage();
  page.on('request', (r) => requestedUrls.push(r.url()));
  page.on('console', (m) => {
    if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) consoleErrors.push(m.text());
  });
  page.on('pageerror', (e) => consoleErrors.push(e.message));
});

afterAll(async () => {
  await browser?.close();
  await stack?.destroy();
});

const form = () => page.locator('#order-form');
const card = (id: number): Locator => page.locator(`#wo-${id}`);

async function workordersNamed(reference: string): Promise<Workorder[]> {
  const res = await brand.client.get<{ results: Workorder[] }>(
    `/api/v2/workorders/?search=${encodeURIComponent(reference)}&limit=100`,
  );
  return res.body.results.filter((w) => w.reference === reference);
}

describe('a brand orders, follows and downloads in the portal', () => {
  test('the brand signs in with its token and sees the order form, its templates and products', async () => {
    await page.goto(`${stack.baseUrl}/portal/`);
    await page.getByLabel('Access token').fill(brand.token);
    await page.keyboard.press('Enter');
    await page.getByText('Acme Secure Brands (brand owner)').waitFor();
    await page.getByRole('heading', { level: 1, name: 'Brand portal' }).waitFor();
    await waitForOptions(page.getByLabel('Template'), [
      'Choose a template…',
      'Carton SID (SID)',
      'Open SSC (SSC)',
    ]);
    await page.locator('#product-rows tr[data-sku="WINE-750"]').waitFor();
    await shots.take(page, 'brand-signed-in', { fullPage: true });
  });

  test('errors are shown next to their fields; the partner is asked for when the template names none', async () => {
    await form().getByRole('button', { name: 'Create workorder' }).click();
    await expectText(page.locator('#order-template-error'), 'Choose a template.');
    await expectText(page.locator('#order-quantity-error'), 'Enter a whole number');
    expect(await page.getByLabel('Template').getAttribute('aria-invalid')).toBe('true');
    await expectFocused(page.getByLabel('Template'));

    await page.getByLabel('Template').selectOption({ label: 'Open SSC (SSC)' });
    const partnerSelect = page.getByLabel('Printing partner');
    expect(await partnerSelect.isVisible()).toBe(true);
    await page.getByLabel('Quantity (codes)').fill('40');
    await form().getByRole('button', { name: 'Create workorder' }).click();
    await expectText(page.locator('#order-printing_partner-error'), 'this template names none');
    await expectFocused(partnerSelect);

    await page.getByLabel('Product (SKU or name)').fill('No such thing');
    await partnerSelect.selectOption({ label: 'Print Partner AG' });
    await form().getByRole('button', { name: 'Create workorder' }).click();
    await expectText(page.locator('#order-product-error'), 'No product has this SKU or name.');
    await shots.take(page, 'order-field-errors', { top: page.locator('#order-view') });
  });

  test('a submit whose answer is lost and is sent again makes one workorder (Idempotency-Key)', async () => {
    await page.getByLabel('Product (SKU or name)').fill('Reserve Red 750 ml');
    await page.getByLabel('Reference').fill('ACME-SSC-1');
    await page.getByLabel('Due date').fill('2026-12-20');
    await page.getByLabel(/Remarks/).fill('Neck labels, lot 9.');
    const keys: string[] = [];
    let lost = false;
    await page.route('**/api/v2/workorders/create-from-template/', async (route) => {
      keys.push(route.request().headers()['idempotency-key'] ?? '');
      if (!lost) {
        lost = true;
        await route.fetch(); // the service creates the workorder; its answer never reaches the page
        await route.abort('connectionreset');
      } else await route.continue();
    });
    await form().getByRole('button', { name: 'Create workorder' }).click();
    await expectText(page.locator('#order-view [role=alert]'), 'Could not reach the service');
    const answer = page.waitForResponse((r) => r.url().includes('/create-from-template/'));
    await form().getByRole('button', { name: 'Create workorder' }).dblclick();
    const res = await answer;
    expect(res.status()).toBe(201);
    expect(res.headers()['idempotent-replayed']).toBe('true');
    await page.unroute('**/api/v2/workorders/create-from-template/');
    expect(keys.length).toBeGreaterThanOrEqual(2);
    expect(new Set(keys).size).toBe(1);
    expect(keys[0]).toMatch(/^portal-[0-9a-f]{32}$/);

    const made = await workordersNamed('ACME-SSC-1');
    expect(made).toHaveLength(1);
    created.ssc = made[0].id;
    expect(made[0]).toMatchObject({
      quantity: 40,
      due_date: '2026-12-20',
      remarks: 'Neck labels, lot 9.',
      printing_partner: { name: 'Print Partner AG' },
      product: { sku: 'WINE-750' },
    });
    const first = page.locator('#workorders > li').first();
    await expectAttr(first, 'data-workorder-id', String(created.ssc));
    await expectText(page.locator('#status'), 'Workorder ACME-SSC-1');
    // The form is empty again for the next order.
    expect(await page.getByLabel('Reference').inputValue()).toBe('');
  });

  test("the API's refusal lands on its field; the corrected order is a new request", async () => {
    await page.getByLabel('Template').selectOption({ label: 'Carton SID (SID)' });
    expect(await page.getByLabel('Printing partner').isVisible()).toBe(false);
    await page.getByLabel('Quantity (codes)').fill('30');
    await page.getByLabel('Reference').fill('ACME-SSC-1');
    await page.getByLabel('Product (SKU or name)').fill('WINE-750');
    await form().getByRole('button', { name: 'Create workorder' }).click();
    await page.locator('#order-reference-error').filter({ hasText: /./ }).waitFor();
    expect(await page.getByLabel('Reference').getAttribute('aria-invalid')).toBe('true');
    await expectFocused(page.getByLabel('Reference'));
    await shots.take(page, 'order-reference-refused', { top: page.locator('#order-view') });

    await page.getByLabel('Reference').fill('ACME-SID-1');
    const answer = page.waitForResponse((r) => r.url().includes('/create-from-template/'));
    await form().getByRole('button', { name: 'Create workorder' }).click();
    expect((await answer).status()).toBe(201);
    const made = await workordersNamed('ACME-SID-1');
    expect(made).toHaveLength(1);
    created.sid = made[0].id;
  });

  test('the SID workorder is followed live until its codes are generated, then downloaded', async () => {
    const sid = card(created.sid);
    await sid.locator('.codegen', { hasText: 'Codes generated' }).waitFor({ timeout: 90_000 });
    await expectText(sid.locator('.progress-text'), '30 of 30 codes generated');
    await sid.getByRole('button', { name: 'Show details' }).click();
    await shots.take(page, 'brand-workorder-generated', { top: sid });

    const [zip] = await Promise.all([
      page.waitForEvent('download'),
      sid.getByRole('link', { name: 'Download codes (zip)' }).click(),
    ]);
    expect(zip.suggestedFilename()).toBe(`workorder-${created.sid}.zip`);
    const zipPath = path.join(DOWNLOADS, zip.suggestedFilename());
    await zip.saveAs(zipPath);
    const codes = (await readZip(fs.readFileSync(zipPath))).get('codes.csv')?.toString().trim().split('\n');
    expect(codes).toHaveLength(31);

    const [csv] = await Promise.all([
      page.waitForEvent('download'),
      sid.getByRole('button', { name: 'Download serial numbers (CSV)' }).click(),
    ]);
    const csvPath = path.join(DOWNLOADS, csv.suggestedFilename());
    await csv.saveAs(csvPath);
    const rows = fs.readFileSync(csvPath, 'utf8').trim().split('\n');
    expect(rows[0]).toBe('serial_number,extended_id');
    expect(rows).toHaveLength(31);
    expect(requestedUrls.some((u) => u.includes(brand.token))).toBe(false);
  });

  test('the SSC workorder is canceled with a reason, then archived', async () => {
    const ssc = card(created.ssc);
    await ssc.getByRole('button', { name: 'Show details' }).click();
    await ssc.getByRole('button', { name: 'Cancel workorder…' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel(/Reason/).fill('Wrong label size.');
    await dialog.getByRole('button', { name: 'Cancel workorder' }).click();
    await ssc.locator('.badge', { hasText: 'Canceled' }).waitFor();
    await ssc.getByRole('button', { name: 'Archive' }).click();
    await ssc.locator('.fact', { hasText: 'Archived' }).waitFor();
    const seen = await brand.client.get<Json>(`/api/v2/workorders/${created.ssc}/`);
    expect(seen.body).toMatchObject({
      state: 'canceled',
      is_archived: true,
      cancel_reason: 'Wrong label size.',
    });
  });
});

describe("a brand uploads products from a CSV (seed 004's upload handler)", () => {
  test('every problem is shown by row and nothing is sent', async () => {
    const before = requestedUrls.length;
    const bad = [
      'sku,brand_id,name,description',
      `WINE-150,${brandId},Rosé 150 ml,`,
      `WINE-150,${brandId},Rosé again,`,
      `,${brandId},No SKU,`,
      `WINE-300,${brandId}`,
      '',
    ].join('\n');
    await page
      .getByLabel('Product CSV file')
      .setInputFiles({ name: 'products.csv', mimeType: 'text/csv', buffer: Buffer.from(bad) });
    await page.getByRole('button', { name: 'Upload products' }).click();
    const problems = page.locator('#csv-problems li');
    await waitForCount(problems, 3);
    expect(await problems.allTextContents()).toEqual([
      'Row 3: The SKU "WINE-150" is also on row 2.',
      'Row 4: The SKU is blank.',
      'Row 5: Has 2 fields; the header has 4.',
    ]);
    await expectText(page.locator('#csv-problems-box'), 'products.csv: 3 problems; nothing was sent.');
    expect(await page.getByLabel('Product CSV file').getAttribute('aria-invalid')).toBe('true');
    expect(requestedUrls.slice(before).filter((u) => u.includes('/api/v2/products'))).toEqual([]);
    await shots.take(page, 'csv-problems', { top: page.locator('#csv-upload') });
  });

  test('the fixed file uploads one product per POST with progress; present SKUs are skipped; the log downloads', async () => {
    const good = [
      'sku,brand_id,name,description',
      `WINE-150,${brandId},Rosé 150 ml,"Small, pink"`,
      `WINE-750,${brandId},Reserve Red 750 ml,`,
      `WINE-300,${brandId},White 300 ml,`,
      `WINE-999,999999,Unknown brand,`,
      '',
    ].join('\r\n');
    await page
      .getByLabel('Product CSV file')
      .setInputFiles({ name: 'products.csv', mimeType: 'text/csv', buffer: Buffer.from(good) });
    expect(await page.locator('#csv-problems-box').isHidden()).toBe(true);
    await page.getByRole('button', { name: 'Upload products' }).click();
    await expectText(
      page.locator('#csv-progress-text'),
      'Upload finished: 2 created, 1 skipped (already there), 1 failed.',
    );
    expect(await page.locator('#csv-progress').getAttribute('max')).toBe('4');
    expect(
      await page.locator('#csv-progress').evaluate((p) => (p as unknown as { value: number }).value),
    ).toBe(4);
    await page.locator('#product-rows tr[data-sku="WINE-150"]').waitFor();
    await shots.take(page, 'csv-uploaded', { top: page.locator('#csv-upload') });

    const [log] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Download the upload log' }).click(),
    ]);
    expect(log.suggestedFilename()).toBe('product-upload-log.csv');
    const logPath = path.join(DOWNLOADS, 'product-upload-log.csv');
    await log.saveAs(logPath);
    const lines = fs.readFileSync(logPath, 'utf8').trim().split('\n');
    expect(lines[0]).toBe('row,sku,outcome,detail');
    expect(lines[1]).toMatch(/^2,WINE-150,created,product #\d+$/);
    expect(lines[2]).toMatch(/^3,WINE-750,skipped,already there/);
    expect(lines[3]).toMatch(/^4,WINE-300,created,/);
    expect(lines[4]).toMatch(/^5,WINE-999,failed,"brand_id: Invalid pk /);

    const rose = await brand.client.get<{ results: Json[] }>('/api/v2/products/?sku__exact=WINE-150');
    expect(rose.body.results[0]).toMatchObject({ name: 'Rosé 150 ml', description: 'Small, pink' });
  });
});

describe('a brand creates and edits a product, with an image', () => {
  test('create with an image, then edit the name; errors next to the fields', async () => {
    await page.getByRole('button', { name: 'New product' }).click();
    await expectFocused(page.locator('#product-form-heading'));
    await page.getByRole('button', { name: 'Save product' }).click();
    await expectText(page.locator('#product-sku-error'), 'Required.');
    await page.getByLabel('SKU', { exact: true }).fill('WINE-150');
    await page.locator('#brand-products').getByLabel('Name', { exact: true }).fill('Duplicate');
    await page.locator('#product-brand_id').selectOption({ label: `Acme Wines (#${brandId})` });
    await page.getByRole('button', { name: 'Save product' }).click();
    await page
      .locator('#product-sku-error')
      .filter({ hasText: /unique/i })
      .waitFor();
    await shots.take(page, 'product-sku-refused', { top: page.locator('#product-form') });

    await page.getByLabel('SKU', { exact: true }).fill('GIN-700');
    await page.locator('#brand-products').getByLabel('Name', { exact: true }).fill('Dry Gin 700 ml');
    await page.getByLabel('Image (optional)').setInputFiles({
      name: 'gin.png',
      mimeType: 'image/png',
      buffer: PNG_1X1,
    });
    await page.getByRole('button', { name: 'Save product' }).click();
    const row = page.locator('#product-rows tr[data-sku="GIN-700"]');
    await row.waitFor();
    await row.locator('img').waitFor();
    expect(
      await row.locator('img').evaluate((i) => (i as unknown as { naturalWidth: number }).naturalWidth),
    ).toBe(1);

    await row.getByRole('button', { name: 'Edit GIN-700' }).click();
    expect(await page.locator('#brand-products').getByLabel('Name', { exact: true }).inputValue()).toBe(
      'Dry Gin 700 ml',
    );
    await page.locator('#brand-products').getByLabel('Name', { exact: true }).fill('London Dry Gin 700 ml');
    await page.getByRole('button', { name: 'Save product' }).click();
    await row.getByText('London Dry Gin 700 ml').waitFor();

    await page.getByLabel('Search products').fill('gin');
    await waitForCount(page.locator('#product-rows tr'), 1);
    await shots.take(page, 'products', { top: page.locator('#products-view') });
  });

  test('at phone width nothing overflows sideways; no console errors', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(390);
    await shots.take(page, 'brand-phone', { top: page.locator('#order-view') });
    expect(consoleErrors).toEqual([]);
  });
});

const PNG_1X1 = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
  'base64',
);

async function expectAttr(locator: Locator, name: string, value: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  let last: string | null = null;
  while (Date.now() < deadline) {
    last = await locator.getAttribute(name);
    if (last === value) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`expected ${name}="${value}", got "${last}"`);
}
