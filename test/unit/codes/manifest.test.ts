/**
 * manifest.json across the secure-graphic versions: a workorder made before version 2 gets the very
 * bytes it always got (so its zip rebuilds byte-identically); a version 2 SSC workorder's manifest
 * carries its own key and format version 2.
 */
import { createHash } from 'node:crypto';
import { buildManifest } from '../../../src/codes/manifest';
import { INPUT } from './manifest-input';

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

test('a version 1 workorder’s manifest is byte for byte what the service wrote before version 2', () => {
  // The SHA-256 of main's buildManifest on the same input, before this change.
  expect(sha256(buildManifest(INPUT))).toBe(
    '2a61ba1dcefeb8d52b975b6f20204447a67bb463942f723fa7e392c8865c7680',
  );
  const manifest = JSON.parse(buildManifest(INPUT));
  expect(manifest.format_version).toBe(1);
  expect(manifest).not.toHaveProperty('secure_graphic');
});

test('a version 2 SSC manifest carries the workorder’s key, format version 2 and where the generator is', () => {
  const key = Buffer.alloc(32, 0xab);
  const manifest = JSON.parse(
    buildManifest({
      ...INPUT,
      code: { ...INPUT.code, secureGraphicVersion: 2 },
      workorderSecureGraphicKey: key,
    }),
  );
  expect(manifest).toMatchObject({
    format_version: 2,
    secure_graphic: { version: 2, key: key.toString('hex') },
    offline_generator: { download: 'GET /api/v2/generator/' },
  });
});

test('a version 2 SID manifest has no key', () => {
  const manifest = JSON.parse(
    buildManifest({ ...INPUT, code: { ...INPUT.code, secureGraphicVersion: 2 }, printer: null }),
  );
  expect(manifest).toMatchObject({ format_version: 2, secure_graphic: null });
});
