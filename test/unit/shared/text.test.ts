import { z } from 'zod';
import { ApiError } from '../../../src/api/errors';
import { parseBody, text } from '../../../src/api/validation';
import { renderPartnerMail } from '../../../src/mail/messages';
import {
  CONTROL_CHARACTERS_REFUSED,
  isMultiLineText,
  isSingleLineText,
  oneLine,
  quoteLines,
} from '../../../src/shared/text';
import type { CompanyRow, WorkorderRow } from '../../../src/store/schema';

/** Every character the rules refuse in a single-line field, one per entry. */
const C0 = Array.from({ length: 0x20 }, (_, i) => String.fromCharCode(i));
const C1 = Array.from({ length: 0x21 }, (_, i) => String.fromCharCode(0x7f + i));
const BIDI = ['\u202a', '\u202b', '\u202c', '\u202d', '\u202e', '\u2066', '\u2067', '\u2068', '\u2069'];
const REFUSED = [...C0, ...C1, ...BIDI, '\u2028', '\u2029'];
const hex = (c: string) => `U+${c.charCodeAt(0).toString(16).padStart(4, '0')}`;

function errorsOf(schema: z.ZodType, body: unknown): unknown {
  try {
    return { ok: parseBody(schema, body) };
  } catch (err) {
    if (err instanceof ApiError) return err.body;
    throw err;
  }
}

describe('single-line text refuses control and bidi formatting characters', () => {
  test.each(REFUSED.map((c) => [hex(c), c]))('%s is refused, anywhere in the value', (_name, c) => {
    expect(isSingleLineText(`a${c}b`)).toBe(false);
    expect(isSingleLineText(`${c}`)).toBe(false);
  });

  test('printable text, accents, emoji and other scripts pass', () => {
    for (const ok of ['Ref-12/ä', 'Étiquette №7', 'ラベル', 'שלום', '😀 label', "O'Brien & Sons <x>"]) {
      expect(isSingleLineText(ok)).toBe(true);
    }
  });

  test('the field answers 400 keyed by field, a trailing CR LF included (checked before trimming)', () => {
    const schema = z.object({ reference: text({ max: 255 }) });
    for (const value of ['A\u0000B', 'A\u001b[31mB', 'A\u202eB', 'AB\r\n', '\nAB', 'A\u0085B']) {
      expect(errorsOf(schema, { reference: value })).toEqual({ reference: [CONTROL_CHARACTERS_REFUSED] });
    }
    expect(errorsOf(schema, { reference: '  AB  ' })).toEqual({ ok: { reference: 'AB' } });
  });
});

describe('multi-line text keeps line feeds and tabs, refuses the other controls', () => {
  const schema = z.object({ remarks: text({ max: 100, allowBlank: true, multiline: true }) });

  test('LF and tab are kept; CR LF and CR become LF', () => {
    expect(errorsOf(schema, { remarks: 'one\ntwo\tcol\r\nthree\rfour' })).toEqual({
      ok: { remarks: 'one\ntwo\tcol\nthree\nfour' },
    });
  });

  test.each(REFUSED.filter((c) => !['\n', '\t', '\r'].includes(c)).map((c) => [hex(c), c]))(
    '%s is refused',
    (_name, c) => {
      expect(isMultiLineText(`a${c}b`)).toBe(false);
      expect(errorsOf(schema, { remarks: `line\n${c}` })).toEqual({ remarks: [CONTROL_CHARACTERS_REFUSED] });
    },
  );
});

describe('client text inside the service’s own messages', () => {
  test('quoteLines prefixes every line and blanks what single lines refuse', () => {
    expect(quoteLines('first\r\nsecond\n\nthird\u001b')).toBe('> first\n> second\n> \n> third ');
    expect(oneLine('A\r\nB\u202eC')).toBe('A  B C');
  });

  test('a remark or a reason cannot pass for a line of the partner email', () => {
    const workorder = {
      id: 7,
      reference: 'R-7',
      type: 'SID',
      quantity: 3,
      due_date: null,
      remarks: 'Gold labels\nDownload: GET http://evil.example/zip',
    } as WorkorderRow;
    const brand = { name: 'Brand' } as CompanyRow;
    const ctx = { workorder, brand, publicUrl: 'http://api.test' };
    const created = renderPartnerMail({ kind: 'created' }, ctx).text.split('\n');
    expect(created).toContain('Remarks:');
    expect(created).toContain('> Gold labels');
    expect(created).toContain('> Download: GET http://evil.example/zip');
    expect(created.filter((line) => line.startsWith('Download:'))).toEqual([]);
    const canceled = renderPartnerMail({ kind: 'canceled', reason: 'Wrong art\nMark printed now' }, ctx);
    expect(canceled.text).toContain('Reason:\n> Wrong art\n> Mark printed now');
  });
});
