/**
 * How the e2e setup obtains Chromium on a fresh machine. This machine has /usr/bin/chromium and
 * runs as root, so the other branches run with PATH pointed at temporary directories and the
 * apt-get commands recorded instead of run (installing packages is outside the test's control).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromiumPlan, ensureChromium } from '../../../scripts/lib/chromium';

describe('chromiumPlan', () => {
  test('CHROMIUM_PATH comes first, even with chromium on PATH', () => {
    expect(
      chromiumPlan({
        explicit: { path: '/opt/chrome/chrome', executable: true },
        onPath: '/usr/bin/chromium',
        isRoot: true,
        aptGet: '/usr/bin/apt-get',
      }),
    ).toEqual({ action: 'use', path: '/opt/chrome/chrome', source: 'CHROMIUM_PATH' });
  });

  test('a CHROMIUM_PATH that is not executable is an error, not a fallback', () => {
    const plan = chromiumPlan({
      explicit: { path: '/nowhere/chromium', executable: false },
      onPath: '/usr/bin/chromium',
      isRoot: true,
      aptGet: '/usr/bin/apt-get',
    });
    expect(plan).toEqual({
      action: 'fail',
      message: expect.stringContaining('CHROMIUM_PATH=/nowhere/chromium'),
    });
  });

  test('then chromium on PATH', () => {
    expect(chromiumPlan({ onPath: '/usr/bin/chromium', isRoot: false })).toEqual({
      action: 'use',
      path: '/usr/bin/chromium',
      source: 'PATH',
    });
  });

  test("then, as root with apt-get, Debian's chromium package", () => {
    expect(chromiumPlan({ isRoot: true, aptGet: '/usr/bin/apt-get' })).toEqual({
      action: 'install',
      commands: [
        ['/usr/bin/apt-get', 'update'],
        ['/usr/bin/apt-get', 'install', '-y', 'chromium'],
      ],
    });
  });

  test('not root: says to install it with sudo or to set CHROMIUM_PATH', () => {
    const plan = chromiumPlan({ isRoot: false, aptGet: '/usr/bin/apt-get' });
    expect(plan.action).toBe('fail');
    expect(plan.action === 'fail' && plan.message).toMatch(/sudo apt-get install -y chromium.*CHROMIUM_PATH/);
  });

  test("no apt-get: says to use the system's package manager or to set CHROMIUM_PATH", () => {
    const plan = chromiumPlan({ isRoot: true });
    expect(plan.action).toBe('fail');
    expect(plan.action === 'fail' && plan.message).toMatch(/no apt-get.*package manager.*CHROMIUM_PATH/);
  });
});

describe('ensureChromium', () => {
  let dir: string;
  const quiet = () => undefined;

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'chromium-test-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  function executable(name: string): string {
    const file = path.join(dir, name);
    fs.writeFileSync(file, '#!/bin/sh\nexit 0\n', { mode: 0o755 });
    return file;
  }

  test('finds chromium on the PATH it is given', async () => {
    const chromium = executable('chromium');
    await expect(ensureChromium({ searchPath: dir, log: quiet })).resolves.toBe(chromium);
  });

  test('checks CHROMIUM_PATH on disk', async () => {
    await expect(
      ensureChromium({ explicitPath: path.join(dir, 'missing'), searchPath: dir, log: quiet }),
    ).rejects.toThrow(/does not exist or is not executable/);
  });

  test('as root with apt-get, runs apt-get update and install, then uses what it installed', async () => {
    const aptGet = executable('apt-get');
    const ran: string[][] = [];
    const run = async (command: string[]) => {
      ran.push(command);
      if (command.includes('install')) executable('chromium');
    };
    await expect(ensureChromium({ searchPath: dir, isRoot: true, run, log: quiet })).resolves.toBe(
      path.join(dir, 'chromium'),
    );
    expect(ran).toEqual([
      [aptGet, 'update'],
      [aptGet, 'install', '-y', 'chromium'],
    ]);
  });

  test('a failed apt-get says so and what to do instead', async () => {
    executable('apt-get');
    const run = async () => {
      throw new Error('apt-get update exited with 100');
    };
    await expect(ensureChromium({ searchPath: dir, isRoot: true, run, log: quiet })).rejects.toThrow(
      /installing it failed \(apt-get update exited with 100\).*CHROMIUM_PATH/,
    );
  });

  test('not root: installs nothing and says what to do', async () => {
    executable('apt-get');
    const run = jest.fn();
    await expect(ensureChromium({ searchPath: dir, isRoot: false, run, log: quiet })).rejects.toThrow(
      /sudo apt-get/,
    );
    expect(run).not.toHaveBeenCalled();
  });
});
