import { isValidExtendedId } from '../../../src/codes/alphabet';
import { extendedIdsFor, indexFromExtendedId } from '../../../src/codes/extended-id';
import { CodePermutation } from '../../../src/codes/permutation';
import {
  CODES_CSV_HEADER,
  FILES_CSV_HEADER,
  SERIALS_CSV_HEADER,
  batchRows,
  codesCsvLine,
  filesCsvLine,
  imageFileName,
  serialsCsvLine,
  type CodeRow,
} from '../../../src/codes/rows';
import { formatSerialNumber } from '../../../src/codes/serial';
import { BATCH_SIZE, type CodeSettings } from '../../../src/shared/workorder';

const permutation = new CodePermutation(Buffer.alloc(32, 0x11));
const code: CodeSettings = {
  codeIndexStart: 500_000,
  serialStart: 1_000,
  urlPrefix: 'https://qr.example.com/q/',
  keyId: 'k1',
  codeLayout: 'qr',
  withImages: true,
  qr: { errorCorrection: 'M', pixelsPerModule: 4, quietZoneModules: 4 },
};

describe('serial numbers', () => {
  it('are zero-padded to ten decimal digits', () => {
    expect(formatSerialNumber(0)).toBe('0000000000');
    expect(formatSerialNumber(42)).toBe('0000000042');
    expect(formatSerialNumber(9_999_999_999)).toBe('9999999999');
  });

  it('refuse negative, fractional, non-finite and eleven-digit numbers', () => {
    for (const serial of [-1, 1.5, Number.NaN, Infinity, 10_000_000_000]) {
      expect(() => formatSerialNumber(serial)).toThrow(RangeError);
    }
  });
});

describe('the rows of a batch', () => {
  const secondBatch = batchRows(permutation, code, 2, BATCH_SIZE + 1, BATCH_SIZE);

  it('number sequences globally and within the batch, both from 1', () => {
    expect(secondBatch).toHaveLength(BATCH_SIZE);
    expect(secondBatch[0]).toMatchObject({ sequenceNumber: 10_001, batchNumber: 2, batchSequenceNumber: 1 });
    expect(secondBatch[BATCH_SIZE - 1]).toMatchObject({
      sequenceNumber: 20_000,
      batchNumber: 2,
      batchSequenceNumber: 10_000,
    });
  });

  it('carry the serial number of their sequence', () => {
    expect(secondBatch[0].serialNumber).toBe('0000011000');
    expect(secondBatch[9].serialNumber).toBe('0000011009');
  });

  it('have the extended ID of the workorder index start + sequence - 1', () => {
    const [expected] = extendedIdsFor(permutation, [code.codeIndexStart + 10_000]);
    expect(secondBatch[0].extendedId).toBe(expected);
    expect(indexFromExtendedId(permutation, secondBatch[5].extendedId)).toBe(code.codeIndexStart + 10_005);
    expect(secondBatch.every((row) => isValidExtendedId(row.extendedId))).toBe(true);
    expect(new Set(secondBatch.map((row) => row.extendedId)).size).toBe(BATCH_SIZE);
  });

  it('have an upper-case URL of prefix and extended ID', () => {
    expect(secondBatch[0].url).toBe(`HTTPS://QR.EXAMPLE.COM/Q/${secondBatch[0].extendedId}`);
  });

  it('are the same when the batch is computed again', () => {
    expect(batchRows(permutation, code, 2, BATCH_SIZE + 1, BATCH_SIZE)).toEqual(secondBatch);
  });

  it('have an empty serial number without serial numbers', () => {
    const rows = batchRows(permutation, { ...code, serialStart: null }, 1, 1, 3);
    expect(rows.map((row) => row.serialNumber)).toEqual(['', '', '']);
  });

  it('can be a short last batch, or empty', () => {
    expect(batchRows(permutation, code, 3, 20_001, 7)).toHaveLength(7);
    expect(batchRows(permutation, code, 1, 1, 0)).toEqual([]);
  });

  it('refuse batch and sequence numbers below 1 and negative counts', () => {
    expect(() => batchRows(permutation, code, 0, 1, 1)).toThrow(RangeError);
    expect(() => batchRows(permutation, code, 1, 0, 1)).toThrow(RangeError);
    expect(() => batchRows(permutation, code, 1, 1, -1)).toThrow(RangeError);
  });
});

describe('CSV lines', () => {
  const row: CodeRow = {
    extendedId: '0123456789AS',
    serialNumber: '0000000001',
    sequenceNumber: 1,
    batchNumber: 1,
    batchSequenceNumber: 1,
    url: 'HTTPS://QR.EXAMPLE.COM/Q/0123456789AS',
  };

  it('have the contract headers', () => {
    expect(CODES_CSV_HEADER).toBe(
      'extended_id,serial_number,sequence_number,batch_number,batch_sequence_number,url',
    );
    expect(FILES_CSV_HEADER).toBe('file,serial_number');
    expect(SERIALS_CSV_HEADER).toBe('serial_number,extended_id');
  });

  it('list the fields in header order and end in LF', () => {
    expect(codesCsvLine(row)).toBe('0123456789AS,0000000001,1,1,1,HTTPS://QR.EXAMPLE.COM/Q/0123456789AS\n');
    expect(filesCsvLine(imageFileName(row), row.serialNumber)).toBe('codes/0123456789AS.png,0000000001\n');
    expect(serialsCsvLine(row)).toBe('0000000001,0123456789AS\n');
    expect(codesCsvLine({ ...row, serialNumber: '' })).toBe(
      '0123456789AS,,1,1,1,HTTPS://QR.EXAMPLE.COM/Q/0123456789AS\n',
    );
  });

  it('quote only fields with a comma, quote, CR or LF, doubling quotes', () => {
    const url = (text: string) => codesCsvLine({ ...row, url: text }).split(',1,1,1,')[1];
    expect(url('HTTPS://A.B/Q?X=1,2')).toBe('"HTTPS://A.B/Q?X=1,2"\n');
    expect(url('SAY "HI"')).toBe('"SAY ""HI"""\n');
    expect(url('A\rB')).toBe('"A\rB"\n');
    expect(url('A\nB')).toBe('"A\nB"\n');
    expect(url("PLAIN-TEXT'S; FINE")).toBe("PLAIN-TEXT'S; FINE\n");
  });

  it('name each image after its extended ID', () => {
    expect(imageFileName(row)).toBe('codes/0123456789AS.png');
  });
});
