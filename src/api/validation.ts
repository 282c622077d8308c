import { z } from 'zod';
import {
  CONTROL_CHARACTERS_REFUSED,
  isMultiLineText,
  isSingleLineText,
  normalizeLineBreaks,
} from '../shared/text';
import { fieldErrors, type FieldErrors } from './errors';

/**
 * Field types of the API. Clients send numbers and booleans as JSON values or as strings
 * ("10", "true"), so each field accepts both and answers in the contract's words when wrong.
 */
const INTEGER = 'A valid integer is required.';
const BOOLEAN = 'Must be a valid boolean.';
const DATE = 'Date has wrong format. Use one of these formats instead: YYYY-MM-DD.';
const STRING = 'Not a valid string.';

export function integer(min: number, max: number) {
  return z
    .union([z.number(), z.string()], { error: INTEGER })
    .transform((value, ctx) => {
      const n = typeof value === 'number' ? value : /^\s*[-+]?\d+\s*$/.test(value) ? Number(value) : NaN;
      if (!Number.isSafeInteger(n)) {
        ctx.addIssue({ code: 'custom', message: INTEGER });
        return z.NEVER;
      }
      return n;
    })
    .pipe(
      z
        .number()
        .min(min, { error: `Ensure this value is greater than or equal to ${min}.` })
        .max(max, { error: `Ensure this value is less than or equal to ${max}.` }),
    );
}

/** A database id: a positive integer. */
export const id = () => integer(1, Number.MAX_SAFE_INTEGER);

export function boolean() {
  return z.union([z.boolean(), z.number(), z.string()], { error: BOOLEAN }).transform((value, ctx) => {
    const text = String(value).trim().toLowerCase();
    if (['true', '1'].includes(text)) return true;
    if (['false', '0'].includes(text)) return false;
    ctx.addIssue({ code: 'custom', message: BOOLEAN });
    return z.NEVER;
  });
}

/**
 * A text field, trimmed. Single-line by default: control and bidi formatting characters are refused
 * (src/shared/text.ts), checked before trimming so a trailing CR or LF is refused too.
 * `multiline` fields keep LF and tab (CR LF becomes LF) and refuse the other controls.
 */
export function text(opts: { max: number; allowBlank?: boolean; multiline?: boolean }) {
  return z
    .union([z.string(), z.number()], { error: STRING })
    .transform((v) => (opts.multiline ? normalizeLineBreaks(String(v)) : String(v)))
    .refine((v) => (opts.multiline ? isMultiLineText(v) : isSingleLineText(v)), {
      error: CONTROL_CHARACTERS_REFUSED,
      abort: true,
    })
    .transform((v) => v.trim())
    .pipe(
      z
        .string()
        .max(opts.max, { error: `Ensure this field has no more than ${opts.max} characters.` })
        .refine((v) => opts.allowBlank || v.length > 0, { error: 'This field may not be blank.' }),
    );
}

/** A free string that reaches a lookup (a SKU or id given as text): printable, one line. */
export function lookupText(error: string) {
  return z
    .union([z.string(), z.number()], { error })
    .refine((v) => typeof v === 'number' || isSingleLineText(v), { error: CONTROL_CHARACTERS_REFUSED });
}

/** A calendar date, YYYY-MM-DD, that exists (no 2023-02-30). */
export function date() {
  return z.string({ error: DATE }).refine(
    (v) => {
      if (!/^\d{4}-\d{2}-\d{2}$/.test(v)) return false;
      const d = new Date(`${v}T00:00:00Z`);
      return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === v;
    },
    { error: DATE },
  );
}

/** Validates a request body; unknown fields are ignored, errors keyed by field. */
export function parseBody<S extends z.ZodType>(schema: S, body: unknown): z.output<S> {
  if (body === undefined || body === null || typeof body !== 'object' || Array.isArray(body)) {
    const got = Array.isArray(body) ? 'list' : body === null || body === undefined ? 'null' : typeof body;
    throw fieldErrors({ non_field_errors: [`Invalid data. Expected a dictionary, but got ${got}.`] });
  }
  const result = schema.safeParse(body, { reportInput: true });
  if (result.success) return result.data;
  throw fieldErrors(formatIssues(result.error.issues));
}

/** Validates query parameters the same way, keyed by parameter. */
export function parseQuery<S extends z.ZodType>(schema: S, query: unknown): z.output<S> {
  const result = schema.safeParse(query ?? {}, { reportInput: true });
  if (result.success) return result.data;
  throw fieldErrors(formatIssues(result.error.issues));
}

function formatIssues(issues: z.core.$ZodIssue[]): FieldErrors {
  const errors: FieldErrors = {};
  for (const issue of issues) {
    const field = issue.path.length > 0 ? String(issue.path[0]) : 'non_field_errors';
    let message = issue.message;
    if (issue.code === 'invalid_type' || issue.code === 'invalid_union') {
      if (issue.input === undefined) message = 'This field is required.';
      else if (issue.input === null) message = 'This field may not be null.';
    }
    const messages = (errors[field] ??= []);
    if (!messages.includes(message)) messages.push(message);
  }
  return errors;
}
