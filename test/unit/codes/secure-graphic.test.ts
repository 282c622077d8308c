import { PNG } from 'pngjs';
import QRCode from 'qrcode';
import { DEFAULT_QR, renderSecureQrPng } from '../../../src/codes/qr';
import {
  deriveSecureGraphicKey,
  insideSquareModules,
  MAX_INSIDE_COVERAGE,
  patternArea,
  printedQrSettings,
  secureGraphicSeeds,
  secureGraphicSettings,
  SEED_BYTES,
  seedKeyFor,
  workorderSecureGraphicKey,
  type SecureGraphicSettings,
} from '../../../src/codes/secure-graphic';
import type { CodeSettings, PrinterConfirmation, QrSettings } from '../../../src/shared/workorder';
import { decodeQrPng } from '../../support/qr';

const codeKey = Buffer.alloc(32, 7);
const key = deriveSecureGraphicKey(codeKey);
const urls = [
  'HTTPS://QR.EXAMPLE.COM/Q/0123456789AS',
  'HTTPS://QR.EXAMPLE.COM/Q/YXWVTSRQPNMK',
  'HTTP://S.CO/7H3K9M2P4R6T',
  'HTTPS://A-VERY-LONG-BRAND-DOMAIN.EXAMPLE.COM/PRODUCTS/SCAN/ABCDEFGHJKMN',
];

function printer(dpi: number, parameters: Record<string, number | string> = {}): PrinterConfirmation {
  return {
    equipment: { id: 1, name: 'Press', dpi },
    substrate: { id: 2, name: 'Paper' },
    calibration: { id: 3, parameters: { module_size_mm: 0.4, cell_dots: 2, dot_gain: 12, ...parameters } },
    externalId: '',
  };
}

function code(codeLayout: CodeSettings['codeLayout']): CodeSettings {
  return {
    codeIndexStart: 0,
    serialStart: 1,
    urlPrefix: 'HTTPS://QR.EXAMPLE.COM/Q/',
    keyId: 'k1',
    codeLayout,
    withImages: true,
    qr: { ...DEFAULT_QR, errorCorrection: codeLayout === 'sg-inside' ? 'H' : 'M' },
  };
}

const seedOf = (extendedId: string) => secureGraphicSeeds(key, [extendedId]);

/** Dark pixels of the pattern area, as a string of 0/1, read back from the PNG. */
function patternPixels(png: Buffer, url: string, qr: QrSettings, g: SecureGraphicSettings): string {
  const image = PNG.sync.read(png);
  const size = QRCode.create(url, { errorCorrectionLevel: qr.errorCorrection }).modules.size;
  const area = patternArea(size, qr, g);
  const side = area.cells * area.cellPixels;
  let bits = '';
  for (let y = area.y; y < area.y + side; y++) {
    for (let x = area.x; x < area.x + side; x++)
      bits += image.data[(y * image.width + x) * 4] < 128 ? '1' : '0';
  }
  return bits;
}

describe('secure graphic keys and seeds', () => {
  test('the secure-graphic key is derived, never the code key itself', () => {
    expect(key).toHaveLength(32);
    expect(key.equals(codeKey)).toBe(false);
    expect(deriveSecureGraphicKey(codeKey).equals(key)).toBe(true);
    expect(deriveSecureGraphicKey(Buffer.alloc(32, 8)).equals(key)).toBe(false);
  });

  test('each code gets its own seed, the same every time', () => {
    const seeds = secureGraphicSeeds(key, ['AAAAAAAAAAAA', 'BBBBBBBBBBBB']);
    expect(seeds).toHaveLength(2 * SEED_BYTES);
    expect(Buffer.from(seeds.subarray(0, SEED_BYTES)).equals(Buffer.from(seeds.subarray(SEED_BYTES)))).toBe(
      false,
    );
    expect(Buffer.from(seedOf('AAAAAAAAAAAA')).equals(Buffer.from(seeds.subarray(0, SEED_BYTES)))).toBe(true);
  });
});

describe('sizing from the press and its calibration', () => {
  test('a module is the calibrated module size at the equipment dpi, one pixel per printer dot', () => {
    expect(printedQrSettings(code('sg-inside'), printer(600)).pixelsPerModule).toBe(9); // 0.4 mm at 600 dpi
    expect(
      printedQrSettings(code('sg-outside'), printer(1200, { module_size_mm: 0.5 })).pixelsPerModule,
    ).toBe(24);
    expect(printedQrSettings(code('qr'), printer(600))).toEqual(code('qr').qr);
    expect(printedQrSettings(code('sg-inside'), null)).toEqual(code('sg-inside').qr);
  });

  test('cell size follows cell_dots; dot gain lowers the share of ink', () => {
    const g = secureGraphicSettings(code('sg-inside'), printer(600, { cell_dots: 3, dot_gain: 20 }));
    expect(g).toEqual({ placement: 'inside', cellPixels: 3, darkThreshold: 102 });
    expect(secureGraphicSettings(code('sg-outside'), printer(600))?.placement).toBe('outside');
    expect(secureGraphicSettings(code('qr'), printer(600))).toBeNull();
    // Missing or nonsense parameters fall back to the defaults rather than break rendering.
    expect(secureGraphicSettings(code('sg-inside'), printer(600, { cell_dots: 'x', dot_gain: 'y' }))).toEqual(
      {
        placement: 'inside',
        cellPixels: 2,
        darkThreshold: 128,
      },
    );
  });

  test('inside, the graphic covers at most 9% of the symbol', () => {
    for (let size = 21; size <= 177; size += 4) {
      expect(insideSquareModules(size) ** 2 / size ** 2).toBeLessThanOrEqual(MAX_INSIDE_COVERAGE);
    }
  });
});

describe.each(['sg-inside', 'sg-outside'] as const)('%s images', (layout) => {
  const settings = code(layout);
  const press = printer(600);
  const qr = printedQrSettings(settings, press);
  const g = secureGraphicSettings(settings, press) as SecureGraphicSettings;

  test.each(urls)('decode back to the URL %s', (url) => {
    expect(decodeQrPng(renderSecureQrPng(url, qr, g, seedOf(url)))).toBe(url);
  });

  test('decode at other presses and calibrations', () => {
    for (const [dpi, parameters] of [
      [300, { module_size_mm: 0.6, cell_dots: 1 }],
      [1200, { module_size_mm: 0.3, cell_dots: 3, dot_gain: 25 }],
    ] as const) {
      const p = printer(dpi, parameters);
      const url = urls[0];
      const png = renderSecureQrPng(
        url,
        printedQrSettings(settings, p),
        secureGraphicSettings(settings, p)!,
        seedOf(url),
      );
      expect(decodeQrPng(png)).toBe(url);
    }
  });

  test('carry a pattern that differs between codes and is the same for the same code', () => {
    const [a, b] = urls;
    const first = patternPixels(renderSecureQrPng(a, qr, g, seedOf(a)), a, qr, g);
    const again = patternPixels(renderSecureQrPng(a, qr, g, seedOf(a)), a, qr, g);
    const other = patternPixels(renderSecureQrPng(a, qr, g, seedOf(b)), a, qr, g);
    expect(first).toBe(again);
    expect(first).not.toBe(other);
    const dark = [...first].filter((bit) => bit === '1').length / first.length;
    // About half the cells are inked, a little less for the calibration's 12% dot gain.
    expect(dark).toBeGreaterThan(0.3);
    expect(dark).toBeLessThan(0.55);
  });

  test('the same code renders to the same bytes', () => {
    const url = urls[1];
    expect(
      renderSecureQrPng(url, qr, g, seedOf(url)).equals(renderSecureQrPng(url, qr, g, seedOf(url))),
    ).toBe(true);
  });
});

describe('secure-graphic key versions', () => {
  const code = { codeLayout: 'sg-inside' } as CodeSettings;

  test('version 1 (no version recorded) seeds from the global key, as workorders always did', () => {
    expect(seedKeyFor(code, 7, key).equals(key)).toBe(true);
  });

  test('version 2 seeds from a key of the workorder, different for every workorder and from the global key', () => {
    const v2 = { ...code, secureGraphicVersion: 2 as const };
    const seven = seedKeyFor(v2, 7, key);
    expect(seven.equals(workorderSecureGraphicKey(key, 7))).toBe(true);
    expect(seven.equals(key)).toBe(false);
    expect(seven.equals(seedKeyFor(v2, 8, key))).toBe(false);
    expect(secureGraphicSeeds(seven, ['0123456789AS'])).not.toEqual(
      secureGraphicSeeds(key, ['0123456789AS']),
    );
  });
});
