import jsQR from 'jsqr';
import { PNG } from 'pngjs';
import QRCode from 'qrcode';
import { crc32 } from 'node:zlib';
import { encodeQrPng, tableCrc32 } from '../../../src/codes/png';
import {
  createQrSymbol,
  DEFAULT_QR,
  formatBits,
  packedPenalty,
  packRows,
  penalty,
  renderQrPng,
} from '../../../src/codes/qr';
import type { QrSettings } from '../../../src/shared/workorder';
import { seededRandom } from './random';

function decodeQr(png: Buffer): string | undefined {
  const image = PNG.sync.read(png);
  return jsQR(new Uint8ClampedArray(image.data), image.width, image.height)?.data;
}

function chunkTypes(png: Buffer): string[] {
  const types: string[] = [];
  for (let offset = 8; offset < png.length;) {
    const length = png.readUInt32BE(offset);
    types.push(png.toString('latin1', offset + 4, offset + 8));
    offset += 12 + length;
  }
  return types;
}

const urls = [
  'HTTPS://QR.EXAMPLE.COM/Q/0123456789AS',
  'HTTPS://QR.EXAMPLE.COM/Q/YXWVTSRQPNMK',
  'HTTP://S.CO/7H3K9M2P4R6T',
  'HTTPS://A-VERY-LONG-BRAND-DOMAIN.EXAMPLE.COM/PRODUCTS/SCAN/ABCDEFGHJKMN',
];
const levels: QrSettings['errorCorrection'][] = ['L', 'M', 'Q', 'H'];

describe('QR PNGs', () => {
  it.each(levels)('decode back to the exact URL at error correction %s', (errorCorrection) => {
    for (const url of urls) {
      expect(decodeQr(renderQrPng(url, { ...DEFAULT_QR, errorCorrection }))).toBe(url);
    }
  });

  it('decode at other module sizes and quiet zones', () => {
    for (const layout of [
      { pixelsPerModule: 1, quietZoneModules: 4 },
      { pixelsPerModule: 3, quietZoneModules: 2 },
      { pixelsPerModule: 7, quietZoneModules: 5 },
    ]) {
      expect(decodeQr(renderQrPng(urls[0], { errorCorrection: 'Q', ...layout }))).toBe(urls[0]);
    }
  });

  it('are the same bytes every time', () => {
    const first = renderQrPng(urls[0], DEFAULT_QR);
    expect(renderQrPng(urls[0], DEFAULT_QR).equals(first)).toBe(true);
    expect(renderQrPng(urls[1], DEFAULT_QR).equals(first)).toBe(false);
  });

  it('are 1-bit grayscale with only IHDR, IDAT and IEND', () => {
    const png = renderQrPng(urls[0], DEFAULT_QR);
    expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    expect(png.readUInt32BE(8)).toBe(13);
    expect(png.toString('latin1', 12, 16)).toBe('IHDR');
    // Version 2 (25 modules) holds 38 alphanumeric characters at M; two quiet zones of 4; 4 px each.
    expect(QRCode.create(urls[0], { errorCorrectionLevel: 'M' }).modules.size).toBe(25);
    expect(png.readUInt32BE(16)).toBe((25 + 8) * 4);
    expect(png.readUInt32BE(20)).toBe((25 + 8) * 4);
    expect([...png.subarray(24, 29)]).toEqual([1, 0, 0, 0, 0]);
    expect(chunkTypes(png)).toEqual(['IHDR', 'IDAT', 'IEND']);
  });

  it('are small', () => {
    expect(renderQrPng(urls[0], DEFAULT_QR).length).toBeLessThan(600);
  });
});

describe('the PNG encoder', () => {
  it('draws each dark module as a black square inside a white quiet zone', () => {
    // A 3×3 matrix: dark on the diagonal, boolean input.
    const modules = { size: 3, data: [true, false, false, false, true, false, false, false, true] };
    const image = PNG.sync.read(encodeQrPng(modules, { pixelsPerModule: 2, quietZoneModules: 1 }));
    expect([image.width, image.height]).toEqual([10, 10]);
    for (let y = 0; y < 10; y++) {
      for (let x = 0; x < 10; x++) {
        const moduleX = Math.floor(x / 2) - 1;
        const moduleY = Math.floor(y / 2) - 1;
        const dark = moduleX === moduleY && moduleX >= 0 && moduleX < 3;
        expect(image.data[(y * 10 + x) * 4]).toBe(dark ? 0 : 255);
      }
    }
  });

  it('accepts a Uint8Array matrix without a quiet zone', () => {
    const image = PNG.sync.read(
      encodeQrPng({ size: 1, data: Uint8Array.of(1) }, { pixelsPerModule: 9, quietZoneModules: 0 }),
    );
    expect([image.width, image.height]).toEqual([9, 9]);
    expect(image.data.every((value, i) => (i % 4 === 3 ? value === 255 : value === 0))).toBe(true);
  });

  it('refuses a matrix that is not square and layouts that are not positive integers', () => {
    const layout = { pixelsPerModule: 1, quietZoneModules: 0 };
    expect(() => encodeQrPng({ size: 2, data: [true] }, layout)).toThrow(RangeError);
    expect(() => encodeQrPng({ size: 1, data: [true] }, { ...layout, pixelsPerModule: 0 })).toThrow(
      RangeError,
    );
    expect(() => encodeQrPng({ size: 1, data: [true] }, { ...layout, quietZoneModules: 0.5 })).toThrow(
      RangeError,
    );
  });

  it('has a table CRC-32 that agrees with zlib', () => {
    const random = seededRandom(7);
    for (const length of [0, 1, 13, 1000]) {
      const bytes = Uint8Array.from({ length }, () => Math.floor(random() * 256));
      expect(tableCrc32(bytes)).toBe(crc32(bytes));
    }
    expect(tableCrc32(Buffer.from('IEND'))).toBe(0xae426082);
  });
});

describe('the fast mask choice', () => {
  it("picks qrcode's own mask and yields its exact modules, at every level and many versions", () => {
    const random = seededRandom(11);
    const alphabet = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:';
    const seen = new Set<number>();
    for (const level of levels) {
      for (let i = 0; i < 150; i++) {
        const length = 1 + Math.floor(random() * 160);
        let text = '';
        for (let k = 0; k < length; k++) text += alphabet[Math.floor(random() * alphabet.length)];
        if (i % 7 === 0) text = `${text.toLowerCase()}?q=é`;
        const expected = QRCode.create(text, { errorCorrectionLevel: level });
        const symbol = createQrSymbol(text, level);
        seen.add(symbol.maskPattern);
        expect(symbol.maskPattern).toBe(expected.maskPattern);
        expect(symbol.size).toBe(expected.modules.size);
        expect(Buffer.from(symbol.data).equals(Buffer.from(expected.modules.data))).toBe(true);
      }
    }
    expect(seen.size).toBe(8);
  });

  it('scores packed rows exactly as a byte per module, on symbols and on random matrices with long runs', () => {
    const random = seededRandom(13);
    let compared = 0;
    const check = (modules: Uint8Array, size: number) => {
      expect(packedPenalty(packRows(modules, size), size)).toBe(penalty(modules, size));
      compared++;
    };
    for (const text of ['A', 'HTTPS://QR.EXAMPLE.COM/Q/0123456789ABC', 'x'.repeat(40), 'y'.repeat(1200)]) {
      for (const level of levels) {
        const { size, data } = createQrSymbol(text, level);
        check(data, size);
      }
    }
    // Sizes of one to six words a row, and the edges around 30 and 60 columns.
    const sizes = [5, 11, 21, 29, 30, 31, 33, 59, 60, 61, 89, 90, 91, 177];
    for (let i = 0; i < 400; i++) {
      const size = i < sizes.length * 2 ? sizes[i % sizes.length] : 5 + Math.floor(random() * 120);
      // Runs of one value, of random lengths: long runs, 2×2 blocks and 1:1:3:1:1 patterns all occur.
      const modules = new Uint8Array(size * size);
      let value = 0;
      for (let k = 0; k < modules.length; k++) {
        if (random() < 0.4) value ^= 1;
        modules[k] = value;
      }
      check(modules, size);
      const transposed = new Uint8Array(size * size);
      for (let r = 0; r < size; r++)
        for (let c = 0; c < size; c++) transposed[c * size + r] = modules[r * size + c];
      check(transposed, size);
    }
    expect(compared).toBe(816);
  });

  it('writes the standard format bits (ISO/IEC 18004 Table C.1)', () => {
    // Level M mask 0, level L mask 0 and level H mask 7, from the standard's table.
    expect(formatBits('M', 0)).toBe(0b101010000010010);
    expect(formatBits('L', 0)).toBe(0b111011111000100);
    expect(formatBits('H', 7)).toBe(0b000100000111011);
  });
});
