/**
 * The extended-ID alphabet and its check character (docs/product.md, Codes).
 *
 * Crockford base32 without Z: 31 symbols, a prime count, so a weighted sum mod 31 detects every
 * single substitution and every transposition. All symbols are QR alphanumeric.
 */
export const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXY';
export const RADIX = ALPHABET.length;

export const PAYLOAD_LENGTH = 11;
export const EXTENDED_ID_LENGTH = PAYLOAD_LENGTH + 1;

/** Value of each alphabet character by char code, -1 for characters outside the alphabet. */
const SYMBOL_VALUES: Int8Array = (() => {
  const values = new Int8Array(128).fill(-1);
  for (let value = 0; value < RADIX; value++) values[ALPHABET.charCodeAt(value)] = value;
  return values;
})();

/**
 * Character i (1-based) has weight i, the check character 12; this is the inverse of 12 mod 31
 * (12 * 13 = 156 = 5 * 31 + 1).
 */
const CHECK_WEIGHT_INVERSE = 13;

/** Value of an alphabet character, or -1 when `char` is not in the alphabet. */
export function symbolValue(char: string): number {
  const code = char.charCodeAt(0);
  return code < 128 ? SYMBOL_VALUES[code] : -1;
}

/**
 * Weighted sum of the alphabet characters of `text` with weights 1, 2, 3, …; -1 when a character
 * is outside the alphabet.
 */
function weightedSum(text: string): number {
  let sum = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    const value = code < 128 ? SYMBOL_VALUES[code] : -1;
    if (value < 0) return -1;
    sum += (i + 1) * value;
  }
  return sum;
}

/**
 * The check character c for an 11-character payload: sum(i * v_i) + 12 * c ≡ 0 (mod 31).
 * Distinct nonzero weights mod a prime make any substitution or transposition change the sum.
 */
export function checkCharacter(payload: string): string {
  if (payload.length !== PAYLOAD_LENGTH) {
    throw new RangeError(`an extended-ID payload has ${PAYLOAD_LENGTH} characters, got ${payload.length}`);
  }
  const sum = weightedSum(payload);
  if (sum < 0) throw new RangeError('an extended-ID payload uses only the extended-ID alphabet');
  const check = ((RADIX - (sum % RADIX)) * CHECK_WEIGHT_INVERSE) % RADIX;
  return ALPHABET[check];
}

/** True when `id` has 12 alphabet characters and a correct check character. */
export function isValidExtendedId(id: string): boolean {
  if (id.length !== EXTENDED_ID_LENGTH) return false;
  const sum = weightedSum(id);
  return sum >= 0 && sum % RADIX === 0;
}
