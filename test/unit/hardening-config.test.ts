import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { ConfigError, decodeSecret, loadConfig, resolveSecrets } from '../../src/config';
import { keepFilesPrivate } from '../../src/private-files';

const key = randomBytes(32);

describe('secrets from the environment are given with their encoding', () => {
  test('hex:, base64: (standard or URL-safe) and a bare 64-digit hex key give the same bytes', () => {
    for (const value of [
      `hex:${key.toString('hex')}`,
      `hex:${key.toString('hex').toUpperCase()}`,
      `base64:${key.toString('base64')}`,
      `base64:${key.toString('base64url')}`,
      key.toString('hex'),
    ]) {
      expect(decodeSecret('CODE_KEY', value).equals(key)).toBe(true);
    }
    const longer = randomBytes(48);
    expect(decodeSecret('LINK_SECRET', `base64:${longer.toString('base64')}`).equals(longer)).toBe(true);
  });

  test.each([
    ['a passphrase', 'correct horse battery staple and more words to be long', 'has no stated encoding'],
    ['bare base64 of 32 bytes', key.toString('base64'), 'has no stated encoding'],
    ['bare hex shorter than 64 digits', key.toString('hex').slice(0, 62), 'has no stated encoding'],
    ['bare hex longer than 64 digits', `${key.toString('hex')}00`, 'has no stated encoding'],
    ['hex: of 16 bytes', `hex:${key.toString('hex').slice(0, 32)}`, 'holds 16 bytes, fewer than 32'],
    ['hex: with an odd digit count', `hex:${key.toString('hex')}0`, 'is not an even number of hex digits'],
    ['hex: with a non-hex digit', `hex:${key.toString('hex').slice(0, 63)}g`, 'is not an even number'],
    ['base64: of a passphrase', 'base64:not base64 at all!', 'is not base64'],
    ['base64: of 24 bytes', `base64:${randomBytes(24).toString('base64')}`, 'holds 24 bytes, fewer than 32'],
  ])('%s is refused at start, with the reason and without the value', (_name, value, reason) => {
    expect(() => loadConfig({ DATA_DIR: '/tmp/x', CODE_KEY: value })).toThrow(ConfigError);
    let message = '';
    try {
      loadConfig({ DATA_DIR: '/tmp/x', LINK_SECRET: value });
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toContain(`LINK_SECRET ${reason}`);
    expect(message).toContain('"hex:<hex digits>" or "base64:<base64>"');
    expect(message).not.toContain(value);
  });

  test('secrets generated into DATA_DIR are read back as before', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'secrets-'));
    try {
      const config = loadConfig({ DATA_DIR: dir });
      const first = resolveSecrets(config);
      expect(first.codeKey.length).toBe(32);
      expect(resolveSecrets(config).codeKey.equals(first.codeKey)).toBe(true);
      expect(fs.statSync(path.join(dir, 'secrets', 'code-key')).mode & 0o777).toBe(0o600);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('files under DATA_DIR are private', () => {
  test('umask 077: DATA_DIR is made 0700 (or narrowed to it) and new files are 0600', () => {
    const parent = fs.mkdtempSync(path.join(os.tmpdir(), 'private-'));
    const before = process.umask();
    try {
      const dataDir = path.join(parent, 'data');
      expect(keepFilesPrivate(dataDir)).toBeUndefined();
      expect(fs.statSync(dataDir).mode & 0o777).toBe(0o700);
      fs.writeFileSync(path.join(dataDir, 'file'), 'x');
      fs.mkdirSync(path.join(dataDir, 'dir'));
      expect(fs.statSync(path.join(dataDir, 'file')).mode & 0o777).toBe(0o600);
      expect(fs.statSync(path.join(dataDir, 'dir')).mode & 0o777).toBe(0o700);
      fs.chmodSync(dataDir, 0o755);
      expect(keepFilesPrivate(dataDir)).toBeUndefined();
      expect(fs.statSync(dataDir).mode & 0o777).toBe(0o700);
    } finally {
      process.umask(before);
      fs.rmSync(parent, { recursive: true, force: true });
    }
  });
});

describe('operations endpoints', () => {
  test('the API metrics and the worker endpoints listen on loopback by default', () => {
    const config = loadConfig({ DATA_DIR: '/tmp/x' });
    expect([config.apiMetricsHost, config.apiMetricsPort]).toEqual(['127.0.0.1', 9465]);
    expect([config.workerMetricsHost, config.workerMetricsPort]).toEqual(['127.0.0.1', 9464]);
    expect(config.host).toBe('0.0.0.0');
  });
});
