/**
 * A real headless Chromium for the portal's end-to-end tests, driven by playwright-core with a fresh
 * profile per run; the e2e project's setup finds or installs it (test/support/e2e-setup.ts). If it
 * cannot start, the tests fail; they never skip.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext, type Locator, type Page } from 'playwright-core';

export const ARTIFACTS = path.resolve(__dirname, '../../test-artifacts/portal');

const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export interface Browser {
  context: BrowserContext;
  profileDir: string;
  close(): Promise<void>;
}

export async function launchChromium(): Promise<Browser> {
  const executablePath = process.env.CHROMIUM_PATH;
  if (!executablePath) throw new Error('CHROMIUM_PATH is not set: run through jest (the e2e project)');
  const profileDir = fs.mkdtempSync(path.join(os.tmpdir(), 'portal-chromium-'));
  const context = await chromium.launchPersistentContext(profileDir, {
    executablePath,
    headless: true,
    args: ARGS,
    acceptDownloads: true,
    viewport: { width: 1100, height: 860 },
    locale: 'en-GB',
    timezoneId: 'UTC',
  });
  context.setDefaultTimeout(15_000);
  return {
    context,
    profileDir,
    async close() {
      await context.close();
      fs.rmSync(profileDir, { recursive: true, force: true });
    },
  };
}

/** Screenshots of each step, named `NN-step.png`, for people to look at (and for docs/images). */
export class Shots {
  private n = 0;

  constructor(readonly dir = ARTIFACTS) {
    fs.rmSync(dir, { recursive: true, force: true });
    fs.mkdirSync(dir, { recursive: true });
  }

  /** `top`, when given, is scrolled to the top of the window first, so the shot shows it. */
  async take(page: Page, step: string, opts: { fullPage?: boolean; top?: Locator } = {}): Promise<string> {
    this.n += 1;
    if (opts.top) await opts.top.evaluate((el) => el.scrollIntoView({ block: 'start' }));
    const file = path.join(this.dir, `${String(this.n).padStart(2, '0')}-${step}.png`);
    await page.screenshot({ path: file, fullPage: opts.fullPage ?? false });
    return file;
  }
}

/** Helpers the portal's e2e tests share: polling for text, options and counts, and the focus. */

export async function optionTexts(select: Locator): Promise<string[]> {
  return (await select.locator('option').allTextContents()).map((t) => t.trim());
}

export async function expectText(locator: Locator, text: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  let last = '';
  while (Date.now() < deadline) {
    last = (await locator.textContent()) ?? '';
    if (last.includes(text)) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`expected "${text}" in "${last}"`);
}

export async function waitForOptions(select: Locator, expected: string[]): Promise<void> {
  const deadline = Date.now() + 10_000;
  let last: string[] = [];
  while (Date.now() < deadline) {
    last = await optionTexts(select);
    if (JSON.stringify(last) === JSON.stringify(expected)) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`expected options ${JSON.stringify(expected)}, got ${JSON.stringify(last)}`);
}

export async function waitForCount(locator: Locator, n: number): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    if ((await locator.count()) === n) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`expected ${n} elements, got ${await locator.count()}`);
}

export async function expectFocused(locator: Locator): Promise<void> {
  expect(
    await locator.evaluate(
      (el) => el === (el.ownerDocument as unknown as { activeElement: unknown }).activeElement,
    ),
  ).toBe(true);
}
