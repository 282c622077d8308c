/**
 * Small images of each accepted kind, built by hand (no JPEG or WebP encoder among the
 * dependencies): each is structurally whole, as src/api/image-check.ts requires; the PNG is real.
 */
import { crc32 } from 'node:zlib';
import { DEFAULT_QR, renderQrPng } from '../../src/codes/qr';

export const png = renderQrPng('HTTPS://QR.EXAMPLE.COM/Q/PRODUCT', DEFAULT_QR);

/** SOI, APP0 (JFIF), SOF0 of 1×1, SOS, a little entropy-coded data, EOI. */
export const jpeg = Buffer.from([
  0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00, 0x01, 0x01, 0x00, 0x00, 0x01, 0x00, 0x01,
  0x00, 0x00, 0xff, 0xc0, 0x00, 0x0b, 0x08, 0x00, 0x01, 0x00, 0x01, 0x01, 0x01, 0x11, 0x00, 0xff, 0xda, 0x00,
  0x08, 0x01, 0x01, 0x00, 0x00, 0x3f, 0x00, 0x12, 0x34, 0xff, 0x00, 0x56, 0xff, 0xd9,
]);

/** RIFF/WEBP holding one VP8L chunk of a 1×1 image. */
export const webp = (() => {
  const payload = Buffer.from([0x2f, 0x00, 0x00, 0x00, 0x00, 0x07]);
  const chunk = Buffer.concat([Buffer.from('VP8L'), u32le(payload.length), payload]);
  return Buffer.concat([Buffer.from('RIFF'), u32le(4 + chunk.length), Buffer.from('WEBP'), chunk]);
})();

function u32le(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(n);
  return b;
}

/** The PNG grown to `size` bytes by a private ancillary chunk before IEND: still a valid PNG. */
export function paddedPng(size: number): Buffer {
  const iend = png.subarray(png.length - 12);
  const length = size - png.length - 12;
  const typeAndData = Buffer.concat([Buffer.from('paDd'), Buffer.alloc(length)]);
  const head = Buffer.alloc(4);
  head.writeUInt32BE(length);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(typeAndData));
  return Buffer.concat([png.subarray(0, png.length - 12), head, typeAndData, crc, iend]);
}
