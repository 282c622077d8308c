/**
 * The serial-numbers CSV is made two ways, from codes.csv parts when the zip is assembled and from
 * the code settings for zips assembled before the file existed: both give the bytes the endpoint
 * always sent, one serialsCsvLine per code.
 */
import { CodePermutation } from '../../../src/codes/permutation';
import { batchRows, codesCsvLine, SERIALS_CSV_HEADER, serialsCsvLine } from '../../../src/codes/rows';
import { serialNumbersFromSettings, serialNumbersOfCodes } from '../../../src/codes/serial-numbers';
import { batchBounds, batchCount, type CodeSettings } from '../../../src/shared/workorder';

const permutation = new CodePermutation(Buffer.alloc(32, 0x22));
const withSerials: CodeSettings = {
  codeIndexStart: 90_000,
  serialStart: 7,
  urlPrefix: 'HTTPS://QR.EXAMPLE.COM/Q/',
  keyId: 'k1',
  codeLayout: 'qr',
  withImages: false,
  qr: { errorCorrection: 'M', pixelsPerModule: 4, quietZoneModules: 4 },
};
const QUANTITY = 12_345;

/** What the endpoint sent before the file existed: every row recomputed, a batch at a time. */
function expected(code: CodeSettings): string {
  let csv = `${SERIALS_CSV_HEADER}\n`;
  for (let n = 1; n <= batchCount(QUANTITY); n++) {
    const { firstSequence, count } = batchBounds(QUANTITY, n);
    csv += batchRows(permutation, code, n, firstSequence, count).map(serialsCsvLine).join('');
  }
  return csv;
}

describe.each([
  ['with serial numbers', withSerials],
  ['without serial numbers', { ...withSerials, serialStart: null }],
])('the serial-numbers CSV %s', (_name, code) => {
  test('from codes.csv parts: the first two fields of each line, swapped', () => {
    let csv = `${SERIALS_CSV_HEADER}\n`;
    for (let n = 1; n <= batchCount(QUANTITY); n++) {
      const { firstSequence, count } = batchBounds(QUANTITY, n);
      const part = batchRows(permutation, code, n, firstSequence, count).map(codesCsvLine).join('');
      csv += serialNumbersOfCodes(Buffer.from(part));
    }
    expect(csv).toBe(expected(code));
  });

  test('from the code settings, for zips assembled before the file existed', () => {
    expect([...serialNumbersFromSettings(permutation, code, QUANTITY)].join('')).toBe(expected(code));
  });
});

test('an empty part gives no lines', () => {
  expect(serialNumbersOfCodes(Buffer.alloc(0))).toBe('');
});
