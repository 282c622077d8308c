import { z } from 'zod';
import { isValidExtendedId, symbolValue } from '../codes/alphabet';
import { indicesFromExtendedIds } from '../codes/extended-id';
import { codeUrl } from '../codes/rows';
import { formatSerialNumber } from '../codes/serial';
import { workorderStatuses } from '../codes/activation';
import { statusAt } from '../codes/status-ranges';
import type { WorkorderRow } from '../store/schema';
import { BATCH_SIZE } from '../shared/workorder';
import type { Auth } from './auth';
import type { ApiDeps } from './context';
import { idField, named } from './schemas';

export const MALFORMED_ID = 'Not a valid extended ID.';
export const INVALID_CHECK = 'Invalid check character.';
const NOT_FOUND = { detail: 'Not found.' };

/** Whether the caller sees the workorder: its brand owner or its printing partner. */
export function sees(auth: Auth, row: WorkorderRow): boolean {
  const { id, company_type } = auth.company;
  return company_type === 'brand_owner' ? row.company_id === id : row.printing_partner_id === id;
}

/** An extended ID's error as the API answers it; undefined when well formed with a good check character. */
export function extendedIdError(extendedId: string): string | undefined {
  if (isValidExtendedId(extendedId)) return undefined;
  if (extendedId.length !== 12 || [...extendedId].some((c) => symbolValue(c) < 0)) return MALFORMED_ID;
  return INVALID_CHECK;
}

/** A decoded code the caller sees: its workorder and sequence number. */
export interface LocatedCode {
  extendedId: string;
  workorder: WorkorderRow;
  sequence: number;
}

/** A code as the API answers it (docs/product.md, Code status). */
export const codeSchema = named(
  'Code',
  z.object({
    extended_id: z.string(),
    url: z.string(),
    workorder: z.object({ id: idField(), reference: z.string() }),
    sequence_number: idField(),
    batch_number: idField(),
    batch_sequence_number: idField(),
    serial_number: z.string().nullable(),
    product: z.object({ id: idField(), sku: z.string() }).nullable(),
    activation_status: z
      .union([z.literal(0), z.literal(1), z.literal(2)])
      .meta({ description: '0 inactive, 1 active, 2 blacklisted.' }),
  }),
);

export type CodeJson = z.infer<typeof codeSchema>;

/** One lookup's answer: the code, or the status and body of its refusal. */
export type Lookup = LocatedCode | { status: 400 | 404; body: Record<string, unknown> };

/**
 * Decodes extended IDs (upper-cased first: the alphabet is case-insensitive to readers) to their
 * workorders, in order: one pass of the permutation, then one query per workorder met.
 */
export async function locateCodes(
  deps: ApiDeps,
  auth: Auth,
  extendedIds: readonly string[],
): Promise<Lookup[]> {
  const ids = extendedIds.map((id) => id.toUpperCase());
  const answers: Lookup[] = new Array<Lookup>(ids.length);
  const valid: number[] = [];
  ids.forEach((id, i) => {
    const error = extendedIdError(id);
    if (error) answers[i] = { status: 400, body: { extended_id: [error] } };
    else valid.push(i);
  });
  const indices = indicesFromExtendedIds(
    deps.permutation,
    valid.map((i) => ids[i]),
  );
  // Sorted by index, consecutive codes of one workorder reuse the row found for the first.
  const order = valid.map((_, k) => k).sort((a, b) => indices[a] - indices[b]);
  let current: WorkorderRow | undefined;
  for (const k of order) {
    const index = indices[k];
    const i = valid[k];
    const start = current ? Number(current.code_index_start) : 0;
    if (!current || index < start || index >= start + current.quantity) {
      current = index < 0 ? undefined : await deps.repos.workorders.byCodeIndex(index);
    }
    answers[i] =
      current && sees(auth, current)
        ? { extendedId: ids[i], workorder: current, sequence: index - Number(current.code_index_start) + 1 }
        : { status: 404, body: NOT_FOUND };
  }
  return answers;
}

/** The lookups as the API answers them: each code's object, or its refusal's body. */
export async function codeAnswers(
  deps: ApiDeps,
  lookups: readonly Lookup[],
): Promise<Array<CodeJson | Record<string, unknown>>> {
  const located = lookups.filter((l): l is LocatedCode => 'workorder' in l);
  const workorders = new Map(located.map((l) => [l.workorder.id, l.workorder]));
  const productIds = [
    ...new Set(located.flatMap((l) => (l.workorder.product_id ? [l.workorder.product_id] : []))),
  ];
  const [changes, products] = await Promise.all([
    deps.repos.codeStatus.changesOf([...workorders.keys()]),
    deps.repos.products.byIds(productIds),
  ]);
  const statuses = new Map(
    [...workorders.values()].map((w) => [w.id, workorderStatuses(w, changes.get(w.id) ?? [])]),
  );
  return lookups.map((lookup) => {
    if (!('workorder' in lookup)) return lookup.body;
    const { extendedId, workorder: w, sequence } = lookup;
    const batch = Math.ceil(sequence / BATCH_SIZE);
    const product = w.product_id ? products.get(w.product_id) : undefined;
    return {
      extended_id: extendedId,
      url: codeUrl(w.url_prefix, extendedId),
      workorder: { id: w.id, reference: w.reference },
      sequence_number: sequence,
      batch_number: batch,
      batch_sequence_number: sequence - (batch - 1) * BATCH_SIZE,
      serial_number:
        w.serial_start === null ? null : formatSerialNumber(Number(w.serial_start) + sequence - 1),
      product: product ? { id: product.id, sku: product.sku } : null,
      activation_status: statusAt(statuses.get(w.id) ?? [], sequence),
    };
  });
}
