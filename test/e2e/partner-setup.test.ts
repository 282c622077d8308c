/**
 * A new printing partner sets itself up in the portal, in a real headless Chromium against the real
 * worker and API: with only a token it adds a press and a substrate, calibrates the substrate on the
 * press (downloads the chart, submits the measurements), and confirms a workorder on them. Refusals
 * are shown next to their fields; the confirm form's "not in the list?" links lead to the set-up.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import type { Json, Workorder } from '../support/api-client';
import { ALL_WORKORDER_PERMISSIONS, type Caller } from '../support/fixtures';
import { Stack } from '../support/stack';
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

const SHOTS = path.join(ARTIFACTS, '..', 'portal-setup');
const REF = 'NEWP-2026-0001';
const QUANTITY = 20;

let stack: Stack;
let partner: Caller;
let brand: Caller;
let browser: Browser;
let page: Page;
let shots: Shots;
let workorder = 0;
let calibrationId = 0;
const consoleErrors: string[] = [];

beforeAll(async () => {
  expect(fs.existsSync(path.resolve(__dirname, '../../dist/portal/app.js'))).toBe(true);
  shots = new Shots(SHOTS);
  stack = await (await Stack.create({ env: { REMINDER_DELAY: '1 hour' } })).start();
  const { fixtures } = stack;
  brand = await fixtures.brandOwner('Nordic Labels Brand', [...ALL_WORKORDER_PERMISSIONS]);
  // A partner with nothing set up: no press, no substrate, no calibration; only its token.
  partner = await fixtures.printingPartner('Fresh Print GmbH', 'jobs@fresh-print.example');
  const { id: template } = await fixtures.sscTemplate(brand.company, 'Label SSC', {
    codeLayout: 'sg-inside',
    printingPartner: partner.company,
    urlPrefix: 'HTTPS://SSC.EXAMPLE.ORG/N/',
  });
  const res = await brand.client.post<Workorder>('/api/v2/workorders/create-from-template/', {
    template,
    reference: REF,
    quantity: QUANTITY,
  });
  expect(res.status).toBe(201);
  workorder = res.body.id;

  browser = await launchChromium();
  page = await browser.context.newPage();
  page.on('console', (m) => {
    // Refusals the test provokes (400) are logged by Chromium as failed loads: expected.
    if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) consoleErrors.push(m.text());
  });
  page.on('pageerror', (e) => consoleErrors.push(e.message));
});

afterAll(async () => {
  await browser?.close();
  await stack?.destroy();
});

const pressForm = () => page.locator('#setup-press-form');
const substrateForm = () => page.locator('#setup-substrate-form');
const card = () => page.locator(`#wo-${workorder}`);

describe('a new partner sets up a press, a substrate and a calibration in the portal', () => {
  test('with nothing set up, the confirm form says so and its link leads to the set-up', async () => {
    await page.goto(`${stack.baseUrl}/portal/`);
    await page.getByLabel('Access token').fill(partner.token);
    await page.keyboard.press('Enter');
    await page.locator('#workorders > li').first().waitFor();
    await card().getByRole('button', { name: 'Generate Codes' }).first().click();
    const equipment = card().getByLabel('Printing equipment');
    await waitForOptions(equipment, ['No equipment in the portal yet']);
    await card().getByRole('link', { name: 'add a press' }).click();
    await page.locator('#setup-view').waitFor();
    expect(page.url()).toMatch(/#setup$/);
    expect(await page.locator('#workorders-view').isHidden()).toBe(true);
    expect(
      await page.getByRole('link', { name: 'Presses and substrates' }).getAttribute('aria-current'),
    ).toBe('page');
    await expectFocused(page.locator('#setup-heading'));
    await expectText(page.locator('#setup-press-list'), 'No press yet.');
    await expectText(page.locator('#setup-substrate-list'), 'No substrate yet.');
    await expectText(page.locator('#setup-calibration-list'), 'No calibrations yet.');
  });

  test('a press is added with the keyboard; empty and out-of-range fields are refused next to them', async () => {
    const name = pressForm().getByLabel('Name');
    const dpi = pressForm().getByLabel('Resolution (dpi)');
    // Empty: caught before anything is sent, the first field focused.
    await pressForm().getByRole('button', { name: 'Add press' }).click();
    await expectText(pressForm(), 'Enter the name.');
    await expectFocused(name);
    expect(await name.getAttribute('aria-invalid')).toBe('true');

    await name.fill('Line 1');
    await page.keyboard.press('Tab');
    await page.keyboard.type('50');
    await page.keyboard.press('Tab');
    await page.keyboard.type('HP Indigo 6900');
    const refused = page.waitForResponse(
      (r) => r.url().endsWith('/api/v2/equipment/') && r.request().method() === 'POST',
    );
    await dpi.press('Enter');
    expect((await refused).status()).toBe(400);
    // The API's 400 (keyed by field) is shown under the dpi field, which gets the focus.
    await expectText(page.locator('#setup-press-dpi-error'), '150');
    await expectFocused(dpi);
    expect(await dpi.getAttribute('aria-invalid')).toBe('true');
    expect(await name.getAttribute('aria-invalid')).toBeNull();
    await shots.take(page, 'press-refused', { top: page.locator('#setup-heading') });

    await dpi.fill('600');
    await dpi.press('Enter');
    await expectText(page.locator('#setup-press-list'), 'Line 1');
    await expectText(page.locator('#setup-press-list'), '600 dpi · HP Indigo 6900');
    expect(await dpi.getAttribute('aria-invalid')).toBeNull();
    expect(await name.inputValue()).toBe('');
    await expectText(page.locator('#status'), 'Line 1 added.');
  });

  test('a press is changed, another archived through the dialog; archived ones show on request', async () => {
    const list = page.locator('#setup-press-list');
    await list.getByRole('button', { name: 'Change Line 1' }).click();
    await expectText(pressForm(), 'Change Line 1');
    await expectFocused(pressForm().getByLabel('Name'));
    await pressForm().getByLabel('Notes').fill('Serviced 2026-12');
    await pressForm().getByRole('button', { name: 'Save changes' }).click();
    await expectText(list, 'Serviced 2026-12');
    await expectText(pressForm(), 'Add a press');

    await pressForm().getByLabel('Name').fill('Old offset');
    await pressForm().getByLabel('Resolution (dpi)').fill('300');
    await pressForm().getByRole('button', { name: 'Add press' }).click();
    await expectText(list, 'Old offset');
    await list.getByRole('button', { name: 'Archive Old offset' }).click();
    const dialog = page.getByRole('dialog');
    await expectText(dialog, 'Archive Old offset?');
    await dialog.getByRole('button', { name: 'Archive' }).click();
    await waitForCount(list.locator('li', { hasText: 'Old offset' }), 0);
    await expectFocused(page.locator('#setup-press-heading'));
    await page.getByLabel('Include archived presses').check();
    await expectText(list.locator('li', { hasText: 'Old offset' }), 'Archived');
    expect(await list.getByRole('button', { name: 'Change Old offset' }).count()).toBe(0);
    await page.getByLabel('Include archived presses').uncheck();
    await waitForCount(list.locator('li', { hasText: 'Old offset' }), 0);

    // A name another live press has is refused next to the name.
    await pressForm().getByLabel('Name').fill('Line 1');
    await pressForm().getByLabel('Resolution (dpi)').fill('600');
    await pressForm().getByRole('button', { name: 'Add press' }).click();
    await expectText(page.locator('#setup-press-name-error'), 'already exists');
    await expectFocused(pressForm().getByLabel('Name'));
    await pressForm().getByLabel('Name').fill('');
    await pressForm().getByLabel('Resolution (dpi)').fill('');

    const presses = await partner.client.get<{ results: Array<Record<string, Json>> }>('/api/v2/equipment/');
    expect(presses.body.results.map((p) => [p.name, p.dpi, p.model, p.notes])).toEqual([
      ['Line 1', 600, 'HP Indigo 6900', 'Serviced 2026-12'],
    ]);
  });

  test('a substrate is added', async () => {
    await substrateForm().getByLabel('Name').fill('Coated paper 90 g');
    await substrateForm().getByLabel('Description').fill('Matte, white');
    await substrateForm().getByRole('button', { name: 'Add substrate' }).click();
    await expectText(page.locator('#setup-substrate-list'), 'Coated paper 90 g');
    await expectText(page.locator('#setup-substrate-list'), 'Matte, white');

    // Changed, and a second one archived.
    const list = page.locator('#setup-substrate-list');
    await list.getByRole('button', { name: 'Change Coated paper 90 g' }).click();
    await substrateForm().getByLabel('Description').fill('Matte, white, FSC');
    await substrateForm().getByLabel('Description').press('Tab');
    await page.keyboard.press('Enter');
    await expectText(list, 'Matte, white, FSC');
    await substrateForm().getByLabel('Name').fill('Silver foil');
    await substrateForm().getByRole('button', { name: 'Add substrate' }).click();
    await list.getByRole('button', { name: 'Archive Silver foil' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Archive' }).click();
    await waitForCount(list.locator('li', { hasText: 'Silver foil' }), 0);
    const substrates = await partner.client.get<{ results: Array<Record<string, Json>> }>(
      '/api/v2/substrates/?archived=true&ordering=id',
    );
    expect(substrates.body.results.map((x) => [x.name, x.description, x.archived])).toEqual([
      ['Coated paper 90 g', 'Matte, white, FSC', false],
      ['Silver foil', '', true],
    ]);
  });

  test('the substrate is calibrated: the chart downloads, measurements out of range are refused, then saved', async () => {
    const start = page.locator('form', { has: page.locator('#setup-calibrate-heading') });
    await waitForOptions(start.getByLabel('Press'), ['Choose…', 'Line 1 (600 dpi)']);
    await start.getByRole('button', { name: 'Start calibration' }).click();
    await expectText(page.locator('#setup-calibrate-equipment-error'), 'Choose the press.');
    await expectText(page.locator('#setup-calibrate-substrate-error'), 'Choose the substrate.');
    await expectFocused(start.getByLabel('Press'));
    await start.getByLabel('Press').selectOption({ label: 'Line 1 (600 dpi)' });
    await start.getByLabel('Substrate').selectOption({ label: 'Coated paper 90 g' });
    // A past end date is refused next to it.
    const validUntil = start.getByLabel('Valid until');
    await validUntil.fill('2020-01-01');
    await start.getByRole('button', { name: 'Start calibration' }).click();
    await expectText(page.locator('#setup-calibrate-valid-until-error'), 'today or later');
    await expectFocused(validUntil);
    await validUntil.fill('');
    const created = page.waitForResponse(
      (r) => r.url().endsWith('/api/v2/calibrations/') && r.request().method() === 'POST',
    );
    await start.getByRole('button', { name: 'Start calibration' }).click();
    const res = await created;
    expect(res.status()).toBe(201);
    calibrationId = ((await res.json()) as { id: number }).id;

    const measure = page.locator('.measure-form');
    await expectText(measure, 'Measurements: Coated paper 90 g on Line 1 (600 dpi)');
    await expectFocused(page.locator('#setup-measure-heading'));
    await expectText(page.locator('#setup-calibration-list'), 'Waiting for measurements');

    const [download] = await Promise.all([
      page.waitForEvent('download'),
      measure.getByRole('button', { name: 'Download chart (PDF)' }).click(),
    ]);
    expect(download.suggestedFilename()).toBe(`calibration-${calibrationId}-chart.pdf`);
    const saved = path.join(SHOTS, 'downloads', download.suggestedFilename());
    await download.saveAs(saved);
    expect(fs.readFileSync(saved).subarray(0, 5).toString()).toBe('%PDF-');
    await expectText(page.locator('#status'), 'downloaded');

    await measure.getByLabel('Module size (mm)').fill('0.4');
    await measure.getByLabel('Cell size (printer dots)').fill('2');
    await measure.getByLabel('Dot gain (%)').fill('75');
    await measure.getByRole('button', { name: 'Save measurements' }).click();
    const dotGain = measure.getByLabel('Dot gain (%)');
    await expectText(page.locator('#setup-measure-dot-gain-error'), '60');
    await expectFocused(dotGain);
    await shots.take(page, 'measurements-refused', { top: page.locator('.setup-calibrations') });

    await dotGain.fill('12.5');
    await measure.getByLabel('Ink density').fill('1.3');
    await measure.getByLabel('Valid until').fill('2099-06-30');
    await shots.take(page, 'measurements', { top: page.locator('.setup-calibrations') });
    await dotGain.press('Enter');
    const row = page.locator(`#setup-calibration-list li[data-id="${calibrationId}"]`);
    await expectText(row, 'Calibrated');
    await expectText(row, 'module 0.4 mm, 2 dot cells, dot gain 12.5 %, ink density 1.3');
    expect(await measure.isHidden()).toBe(true);
    await shots.take(page, 'set-up', { fullPage: true });

    // The same pair again opens the existing calibration's measurement form.
    await start.getByLabel('Press').selectOption({ label: 'Line 1 (600 dpi)' });
    await start.getByLabel('Substrate').selectOption({ label: 'Coated paper 90 g' });
    await start.getByRole('button', { name: 'Start calibration' }).click();
    await expectText(page.locator('#status'), 'already has a calibration');
    expect(await measure.isHidden()).toBe(false);
    await expectFocused(page.locator('#setup-measure-heading'));
    await measure.getByRole('button', { name: 'Close' }).click();
    expect(await measure.isHidden()).toBe(true);

    const calibration = await partner.client.get<Json>(`/api/v2/calibrations/${calibrationId}/`);
    expect(calibration.body).toMatchObject({
      status: 'active',
      parameters: { module_size_mm: 0.4, cell_dots: 2, dot_gain: 12.5, ink_density: 1.3 },
      valid_until: '2099-06-30',
    });
  });

  test('back on the workorders, the new press and the calibrated substrate confirm the workorder', async () => {
    await page.getByRole('link', { name: 'Workorders' }).click();
    await expectFocused(page.locator('#workorders-heading'));
    await card().getByRole('button', { name: 'Generate Codes' }).first().click();
    const equipment = card().getByLabel('Printing equipment');
    await waitForOptions(equipment, ['Choose equipment…', 'Line 1 (600 dpi)']);
    await equipment.selectOption({ label: 'Line 1 (600 dpi)' });
    const substrate = card().getByLabel('Substrate');
    await waitForOptions(substrate, ['Choose a substrate…', 'Coated paper 90 g']);
    await substrate.selectOption({ label: 'Coated paper 90 g' });
    await card().getByRole('button', { name: 'Generate Codes' }).last().click();
    const confirmed = page.waitForResponse((r) => r.url().includes('/printer-confirm/'));
    await page.getByRole('dialog').getByRole('button', { name: 'Confirm' }).click();
    expect((await confirmed).status()).toBe(200);
    await card()
      .locator('.codegen', { hasText: 'Codes generated (codegen status 4)' })
      .waitFor({ timeout: 90_000 });
    const w = await partner.client.get<Json>(`/api/v2/workorders/${workorder}/`);
    expect(w.body).toMatchObject({ state: 'ready to print' });
    expect(w.body.equipment).toBeTruthy();
    expect(w.body.substrate).toBeTruthy();
  });

  test('keyboard focus is visible; at phone width the set-up fits without sideways scrolling', async () => {
    await page.getByRole('link', { name: 'Presses and substrates' }).click();
    await page.locator('#setup-press-list li').first().waitFor();
    await page.locator('#setup-heading').focus();
    await page.keyboard.press('Tab');
    // A string: the tests' TypeScript has no DOM library.
    const outline = (await page.evaluate(
      `(() => { const s = getComputedStyle(document.activeElement); return { outline: s.outlineStyle, width: s.outlineWidth }; })()`,
    )) as { outline: string; width: string };
    expect(outline.outline).not.toBe('none');
    expect(outline.width).not.toBe('0px');

    await page.setViewportSize({ width: 390, height: 844 });
    await page.locator('#setup-press-list').scrollIntoViewIfNeeded();
    expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(390);
    await shots.take(page, 'phone', { top: page.locator('header') });
    expect(consoleErrors).toEqual([]);
  });
});

describe('who sees the set-up', () => {
  test('a brand signed in at #setup sees its workorders and no set-up tab', async () => {
    const tab = await browser.context.newPage();
    await tab.goto(`${stack.baseUrl}/portal/#setup`);
    await tab.getByLabel('Access token').fill(brand.token);
    await tab.keyboard.press('Enter');
    await tab.getByText('Nordic Labels Brand (brand owner)').waitFor();
    await tab.locator('#workorders-view').waitFor();
    expect(await tab.locator('#views').isHidden()).toBe(true);
    expect(await tab.locator('#setup-view').isHidden()).toBe(true);
    await tab.close();
  });
});
