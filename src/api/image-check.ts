import { PNG } from 'pngjs';

/**
 * Whether an upload whose first bytes say PNG, JPEG or WebP is that image through and through, so
 * no file with an image's signature in front of HTML or script is ever kept (docs/products.md,
 * Product images). PNG is decoded by pngjs (CRCs, zlib, filters) after its chunks are walked to the
 * end; JPEG and WebP are walked segment by segment and chunk by chunk to their exact end (no decoder
 * for them among the dependencies), nothing allowed after it.
 */

/** Pixels a decoded upload may have: a 10 MiB PNG could otherwise inflate to gigabytes. */
const MAX_PIXELS = 40_000_000;
const MAX_SIDE = 20_000;

const sane = (width: number, height: number) =>
  width > 0 && height > 0 && width <= MAX_SIDE && height <= MAX_SIDE && width * height <= MAX_PIXELS;

export function isWholePng(data: Buffer): boolean {
  let offset = 8;
  let first = true;
  let ended = false;
  while (offset + 12 <= data.length) {
    const length = data.readUInt32BE(offset);
    const type = data.toString('latin1', offset + 4, offset + 8);
    if (first) {
      if (type !== 'IHDR' || length !== 13) return false;
      if (!sane(data.readUInt32BE(offset + 8), data.readUInt32BE(offset + 12))) return false;
      first = false;
    }
    offset += 12 + length;
    if (type === 'IEND') {
      ended = true;
      break;
    }
  }
  if (!ended || offset !== data.length) return false;
  try {
    PNG.sync.read(data);
    return true;
  } catch {
    return false;
  }
}

const SOF = new Set([0xc0, 0xc1, 0xc2, 0xc3, 0xc5, 0xc6, 0xc7, 0xc9, 0xca, 0xcb, 0xcd, 0xce, 0xcf]);

export function isWholeJpeg(data: Buffer): boolean {
  if (data.length < 4 || data[0] !== 0xff || data[1] !== 0xd8) return false;
  let offset = 2;
  let frame = false;
  while (offset < data.length) {
    if (data[offset] !== 0xff) return false;
    while (data[offset] === 0xff) offset++; // fill bytes
    const marker = data[offset++];
    if (marker === 0xd9) return frame && offset === data.length;
    if (marker === undefined || marker === 0x00 || (marker >= 0xd0 && marker <= 0xd8)) return false;
    if (offset + 2 > data.length) return false;
    const length = data.readUInt16BE(offset);
    if (length < 2 || offset + length > data.length) return false;
    if (SOF.has(marker)) {
      if (length < 8 || !sane(data.readUInt16BE(offset + 5), data.readUInt16BE(offset + 3))) return false;
      frame = true;
    }
    offset += length;
    if (marker === 0xda) {
      if (!frame) return false;
      // Entropy-coded data runs to the next marker that is neither a stuffed 0xFF00 nor a restart.
      while (offset + 1 < data.length) {
        if (
          data[offset] === 0xff &&
          data[offset + 1] !== 0x00 &&
          !(data[offset + 1] >= 0xd0 && data[offset + 1] <= 0xd7)
        )
          break;
        offset++;
      }
      if (offset + 1 >= data.length) return false;
    }
  }
  return false;
}

export function isWholeWebp(data: Buffer): boolean {
  if (data.length < 20 || data.readUInt32LE(4) + 8 !== data.length) return false;
  let offset = 12;
  let first = true;
  while (offset + 8 <= data.length) {
    const type = data.toString('latin1', offset, offset + 4);
    const size = data.readUInt32LE(offset + 4);
    const payload = data.subarray(offset + 8, offset + 8 + size);
    if (payload.length !== size) return false;
    if (first) {
      if (type === 'VP8 ') {
        if (size < 10 || payload[3] !== 0x9d || payload[4] !== 0x01 || payload[5] !== 0x2a) return false;
        if (!sane(payload.readUInt16LE(6) & 0x3fff, payload.readUInt16LE(8) & 0x3fff)) return false;
      } else if (type === 'VP8L') {
        if (size < 5 || payload[0] !== 0x2f) return false;
        const bits = payload.readUInt32LE(1);
        if (!sane((bits & 0x3fff) + 1, ((bits >>> 14) & 0x3fff) + 1)) return false;
      } else if (type === 'VP8X') {
        if (size < 10) return false;
        if (!sane(payload.readUIntLE(4, 3) + 1, payload.readUIntLE(7, 3) + 1)) return false;
      } else {
        return false;
      }
      first = false;
    }
    offset += 8 + size + (size % 2);
  }
  return !first && offset === data.length;
}
