import type { CodeSettings } from '../shared/workorder';
import { extendedIdsFor } from './extended-id';
import type { CodePermutation } from './permutation';
import { formatSerialNumber } from './serial';

/** One code of a workorder: one line of codes.csv (docs/product.md, The download). */
export interface CodeRow {
  extendedId: string;
  /** Empty when the workorder has no serial numbers. */
  serialNumber: string;
  sequenceNumber: number;
  batchNumber: number;
  batchSequenceNumber: number;
  url: string;
}

export const CODES_CSV_HEADER =
  'extended_id,serial_number,sequence_number,batch_number,batch_sequence_number,url';
export const FILES_CSV_HEADER = 'file,serial_number';
export const SERIALS_CSV_HEADER = 'serial_number,extended_id';

/**
 * The `count` codes of one batch, from sequence number `firstSequence` (1-based). Pure: a retried
 * batch gets exactly the same rows.
 */
export function batchRows(
  permutation: CodePermutation,
  code: CodeSettings,
  batchNumber: number,
  firstSequence: number,
  count: number,
): CodeRow[] {
  if (!Number.isSafeInteger(batchNumber) || batchNumber < 1) {
    throw new RangeError(`a batch number is an integer from 1, got ${batchNumber}`);
  }
  if (!Number.isSafeInteger(firstSequence) || firstSequence < 1) {
    throw new RangeError(`a sequence number is an integer from 1, got ${firstSequence}`);
  }
  if (!Number.isSafeInteger(count) || count < 0) {
    throw new RangeError(`a batch holds a non-negative integer count of codes, got ${count}`);
  }
  const indices = new Float64Array(count);
  for (let i = 0; i < count; i++) indices[i] = code.codeIndexStart + firstSequence - 1 + i;
  const extendedIds = extendedIdsFor(permutation, indices);
  return extendedIds.map((extendedId, i) => {
    const sequenceNumber = firstSequence + i;
    return {
      extendedId,
      serialNumber:
        code.serialStart === null ? '' : formatSerialNumber(code.serialStart + sequenceNumber - 1),
      sequenceNumber,
      batchNumber,
      batchSequenceNumber: i + 1,
      url: codeUrl(code.urlPrefix, extendedId),
    };
  });
}

/** The URL a code's QR holds: upper case, so the whole of it is QR alphanumeric. */
export function codeUrl(urlPrefix: string, extendedId: string): string {
  return urlPrefix.toUpperCase() + extendedId;
}

export function codesCsvLine(row: CodeRow): string {
  return csvLine([
    row.extendedId,
    row.serialNumber,
    String(row.sequenceNumber),
    String(row.batchNumber),
    String(row.batchSequenceNumber),
    row.url,
  ]);
}

export function filesCsvLine(file: string, serialNumber: string): string {
  return csvLine([file, serialNumber]);
}

export function serialsCsvLine(row: CodeRow): string {
  return csvLine([row.serialNumber, row.extendedId]);
}

/** Path of a code's image inside the download zip. */
export function imageFileName(row: CodeRow): string {
  return `codes/${row.extendedId}.png`;
}

/** One CSV record ending in LF, quoting (RFC 4180) only the fields that need it. */
function csvLine(fields: readonly string[]): string {
  return fields.map(csvField).join(',') + '\n';
}

function csvField(field: string): string {
  return /[",\r\n]/.test(field) ? `"${field.replace(/"/g, '""')}"` : field;
}
