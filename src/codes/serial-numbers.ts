import { batchBounds, batchCount, type CodeSettings } from '../shared/workorder';
import type { CodePermutation } from './permutation';
import { batchRows, SERIALS_CSV_HEADER, serialsCsvLine } from './rows';

/**
 * The serial-numbers CSV (`serial_number,extended_id`, docs/product.md, Endpoints) is written once,
 * with the zip, from the codes.csv parts it reads anyway, and served as a file from then on.
 */
export const SERIALS_CSV_FIRST_LINE = `${SERIALS_CSV_HEADER}\n`;

/**
 * The serial-numbers lines of whole codes.csv lines: their first two fields, swapped. Neither ever
 * needs quoting (ten digits; the extended-ID alphabet), so each line splits at its first two commas.
 */
export function serialNumbersOfCodes(codesCsv: Buffer): string {
  const text = codesCsv.toString('utf8');
  const lines: string[] = [];
  for (let start = 0; start < text.length;) {
    const end = text.indexOf('\n', start);
    const first = text.indexOf(',', start);
    const second = text.indexOf(',', first + 1);
    lines.push(`${text.slice(first + 1, second)},${text.slice(start, first)}\n`);
    start = end + 1;
  }
  return lines.join('');
}

/**
 * The same CSV computed from the code settings, for workorders whose zip was assembled before the
 * file existed: made once, a batch at a time, then kept.
 */
export function* serialNumbersFromSettings(
  permutation: CodePermutation,
  code: CodeSettings,
  quantity: number,
): Generator<string> {
  yield SERIALS_CSV_FIRST_LINE;
  for (let n = 1; n <= batchCount(quantity); n++) {
    const { firstSequence, count } = batchBounds(quantity, n);
    yield batchRows(permutation, code, n, firstSequence, count).map(serialsCsvLine).join('');
  }
}
