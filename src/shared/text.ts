/**
 * What text the service accepts from its clients (docs/product.md, Text fields): one set of rules
 * for every schema, so a reference, a name or a remark cannot smuggle control characters into a
 * log line, an email, a CSV or a terminal, nor reorder what a reader sees with bidi overrides.
 */

/* eslint-disable no-control-regex -- matching control characters is this module's purpose */

/**
 * C0 controls (NUL, ESC, CR, LF, TAB...), DEL and C1 controls; the line and paragraph separators;
 * the bidi embeddings and overrides (U+202A–202E) and isolates (U+2066–2069).
 */
const SINGLE_LINE_FORBIDDEN = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;
/** The same, less the tab and the line feed that multi-line text keeps. */
const MULTI_LINE_FORBIDDEN =
  /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;
const FORBIDDEN_ANYWHERE = new RegExp(SINGLE_LINE_FORBIDDEN.source, 'g');
const FORBIDDEN_IN_LINES = new RegExp(MULTI_LINE_FORBIDDEN.source, 'g');

export const CONTROL_CHARACTERS_REFUSED =
  'This field may not contain control characters or bidirectional formatting characters.';

/** True when a single-line field (a reference, a name, a SKU) holds only printable text. */
export function isSingleLineText(value: string): boolean {
  return !SINGLE_LINE_FORBIDDEN.test(value);
}

/** CR LF and lone CR become LF, the one line break multi-line fields keep. */
export function normalizeLineBreaks(value: string): string {
  return value.replace(/\r\n?/g, '\n');
}

/** True when a multi-line field (remarks, a reason), its line breaks normalized, holds only text, LF and tab. */
export function isMultiLineText(value: string): boolean {
  return !MULTI_LINE_FORBIDDEN.test(value);
}

/** For output built from stored text (a subject, a fact line): anything refused above becomes a space. */
export function oneLine(value: string): string {
  return value.replace(FORBIDDEN_ANYWHERE, ' ');
}

/**
 * A client's multi-line text inside a message of the service's own: every line starts with
 * `prefix`, so no line of it can pass for one the service wrote.
 */
export function quoteLines(value: string, prefix = '> '): string {
  return normalizeLineBreaks(value)
    .replace(FORBIDDEN_IN_LINES, ' ')
    .split('\n')
    .map((line) => `${prefix}${line}`)
    .join('\n');
}
