import { ALPHABET, PAYLOAD_LENGTH, RADIX, checkCharacter, isValidExtendedId, symbolValue } from './alphabet';
import { LOW_MODULUS, type CodePermutation } from './permutation';

/** Base-31 digits of the high half and of the low half: 5 + 6 = the 11 payload characters. */
const HIGH_DIGITS = 5;
const LOW_DIGITS = PAYLOAD_LENGTH - HIGH_DIGITS;
// A local alias: global lookups are slow inside vm contexts such as Jest's.
const { floor } = Math;

/**
 * Extended IDs of global code indices: the 11 big-endian base-31 digits of the permuted index plus
 * the check character. The halves are converted separately because 31^11 exceeds 2^53.
 */
export function extendedIdsFor(permutation: CodePermutation, indices: ArrayLike<number>): string[] {
  const { high, low } = permutation.encryptMany(indices);
  const extendedIds = new Array<string>(high.length);
  for (let i = 0; i < high.length; i++) {
    const payload = base31Digits(high[i], HIGH_DIGITS) + base31Digits(low[i], LOW_DIGITS);
    extendedIds[i] = payload + checkCharacter(payload);
  }
  return extendedIds;
}

/** Global code index of an extended ID; throws on a malformed ID or a wrong check character. */
export function indexFromExtendedId(permutation: CodePermutation, extendedId: string): number {
  if (!isValidExtendedId(extendedId)) throw new RangeError('not a valid extended ID');
  const high = parseBase31(extendedId, 0, HIGH_DIGITS);
  const low = parseBase31(extendedId, HIGH_DIGITS, PAYLOAD_LENGTH);
  return permutation.decryptMany({ high: Uint32Array.of(high), low: Uint32Array.of(low) })[0];
}

/**
 * Global code indices of many valid extended IDs (isValidExtendedId) in one pass of the permutation;
 * -1 for an ID whose index is beyond 2^53, which no issued code has.
 */
export function indicesFromExtendedIds(
  permutation: CodePermutation,
  extendedIds: readonly string[],
): Float64Array {
  const high = new Uint32Array(extendedIds.length);
  const low = new Uint32Array(extendedIds.length);
  for (let i = 0; i < extendedIds.length; i++) {
    high[i] = parseBase31(extendedIds[i], 0, HIGH_DIGITS);
    low[i] = parseBase31(extendedIds[i], HIGH_DIGITS, PAYLOAD_LENGTH);
  }
  const split = permutation.decryptManySplit({ high, low });
  const indices = new Float64Array(extendedIds.length);
  for (let i = 0; i < indices.length; i++) {
    const index = split.high[i] * LOW_MODULUS + split.low[i];
    indices[i] = Number.isSafeInteger(index) ? index : -1;
  }
  return indices;
}

function base31Digits(value: number, digitCount: number): string {
  let digits = '';
  for (let i = 0; i < digitCount; i++) {
    digits = ALPHABET[value % RADIX] + digits;
    value = floor(value / RADIX);
  }
  return digits;
}

function parseBase31(text: string, start: number, end: number): number {
  let value = 0;
  for (let i = start; i < end; i++) value = value * RADIX + symbolValue(text[i]);
  return value;
}
