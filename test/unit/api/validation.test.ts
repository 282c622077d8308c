import { z } from 'zod';
import { ApiError } from '../../../src/api/errors';
import { createLinkSigner } from '../../../src/api/links';
import { boolean, date, integer, parseBody, text } from '../../../src/api/validation';

function errorsOf(schema: z.ZodType, body: unknown): unknown {
  try {
    parseBody(schema, body);
  } catch (err) {
    if (err instanceof ApiError) return err.body;
    throw err;
  }
  return null;
}

describe('field coercion: values arrive as JSON types or as strings', () => {
  const schema = z.object({
    n: integer(1, 100),
    b: boolean().optional(),
    d: date().optional(),
    s: text({ max: 5 }).optional(),
  });

  test.each([
    [{ n: '10' }, { n: 10 }],
    [{ n: 10 }, { n: 10 }],
    [{ n: ' 7 ' }, { n: 7 }],
    [
      { n: 1, b: 'true' },
      { n: 1, b: true },
    ],
    [
      { n: 1, b: '0' },
      { n: 1, b: false },
    ],
    [
      { n: 1, b: 1 },
      { n: 1, b: true },
    ],
    [
      { n: 1, d: '2024-02-29' },
      { n: 1, d: '2024-02-29' },
    ],
    [
      { n: 1, s: ' abc ' },
      { n: 1, s: 'abc' },
    ],
  ])('%j is accepted as %j', (body, expected) => {
    expect(parseBody(schema, body)).toEqual(expected);
  });

  test.each([
    [{ n: '10x' }, { n: ['A valid integer is required.'] }],
    [{ n: '' }, { n: ['A valid integer is required.'] }],
    [{ n: 10.5 }, { n: ['A valid integer is required.'] }],
    [{ n: '1e3' }, { n: ['A valid integer is required.'] }],
    [{ n: -1 }, { n: ['Ensure this value is greater than or equal to 1.'] }],
    [{ n: 101 }, { n: ['Ensure this value is less than or equal to 100.'] }],
    [{ n: null }, { n: ['This field may not be null.'] }],
    [{}, { n: ['This field is required.'] }],
    [{ n: 1, b: 'yes' }, { b: ['Must be a valid boolean.'] }],
    [
      { n: 1, d: '2023-02-29' },
      { d: ['Date has wrong format. Use one of these formats instead: YYYY-MM-DD.'] },
    ],
    [
      { n: 1, d: '20230101' },
      { d: ['Date has wrong format. Use one of these formats instead: YYYY-MM-DD.'] },
    ],
    [{ n: 1, s: '' }, { s: ['This field may not be blank.'] }],
    [{ n: 1, s: 'toolong' }, { s: ['Ensure this field has no more than 5 characters.'] }],
  ])('%j is refused with %j', (body, expected) => {
    expect(errorsOf(schema, body)).toEqual(expected);
  });

  test('a body that is not an object is a non-field error', () => {
    expect(errorsOf(schema, [1])).toEqual({
      non_field_errors: ['Invalid data. Expected a dictionary, but got list.'],
    });
    expect(errorsOf(schema, 'x')).toEqual({
      non_field_errors: ['Invalid data. Expected a dictionary, but got string.'],
    });
  });
});

describe('signed download links', () => {
  const signer = createLinkSigner(Buffer.alloc(32, 7), 'https://api.example.com');
  const now = Date.parse('2026-01-01T00:00:00Z');

  test('a fresh link verifies for its workorder for 24 hours only', () => {
    const url = new URL(signer.downloadUrl(42, now));
    expect(url.pathname).toBe('/api/v2/workorders/42/download/');
    const expires = url.searchParams.get('expires') as string;
    const signature = url.searchParams.get('signature') as string;
    expect(signer.verify(42, expires, signature, now)).toBe(true);
    expect(signer.verify(42, expires, signature, now + 24 * 3600_000 - 1000)).toBe(true);
    expect(signer.verify(42, expires, signature, now + 24 * 3600_000)).toBe(false);
    expect(signer.verify(43, expires, signature, now)).toBe(false);
    expect(signer.verify(42, String(Number(expires) + 1), signature, now)).toBe(false);
    expect(
      signer.verify(
        42,
        expires,
        signature.replace(/.$/, (c) => (c === 'A' ? 'B' : 'A')),
        now,
      ),
    ).toBe(false);
    expect(signer.verify(42, 'soon', signature, now)).toBe(false);
  });

  test('another secret makes other signatures', () => {
    const other = createLinkSigner(Buffer.alloc(32, 8), 'https://api.example.com');
    const a = new URL(signer.downloadUrl(1, now)).searchParams.get('signature');
    const b = new URL(other.downloadUrl(1, now)).searchParams.get('signature');
    expect(a).not.toBe(b);
  });
});
