import { ALPHABET, isValidExtendedId } from '../../../src/codes/alphabet';
import { extendedIdsFor, indexFromExtendedId } from '../../../src/codes/extended-id';
import { CodePermutation, LOW_MODULUS } from '../../../src/codes/permutation';

const permutation = new CodePermutation(Buffer.alloc(32, 0x5a));

describe('extended IDs', () => {
  it('are 12 valid alphabet characters, unique over a million consecutive indices', () => {
    const indices = Array.from({ length: 1_000_000 }, (_, i) => 7e12 + i);
    const extendedIds = extendedIdsFor(permutation, indices);
    expect(new Set(extendedIds).size).toBe(indices.length);
    for (const extendedId of extendedIds.slice(0, 20_000)) {
      if (!isValidExtendedId(extendedId)) throw new Error(`invalid extended ID ${extendedId}`);
    }
  });

  it('spell the permuted value in base 31: 5 digits of the high half, then 6 of the low half', () => {
    const [extendedId] = extendedIdsFor(permutation, [99]);
    const { high, low } = permutation.encryptMany([99]);
    let value = 0n;
    for (const char of extendedId.slice(0, 11)) value = value * 31n + BigInt(ALPHABET.indexOf(char));
    expect(value).toBe(BigInt(high[0]) * BigInt(LOW_MODULUS) + BigInt(low[0]));
  });

  it('map back to their index', () => {
    const indices = [0, 1, 2, 10_000, 987_654_321, 1e12, Number.MAX_SAFE_INTEGER];
    const extendedIds = extendedIdsFor(permutation, indices);
    expect(extendedIds.map((extendedId) => indexFromExtendedId(permutation, extendedId))).toEqual(indices);
  });

  it('depend on the key', () => {
    const [ours] = extendedIdsFor(permutation, [5]);
    const [theirs] = extendedIdsFor(new CodePermutation(Buffer.alloc(32, 0x5b)), [5]);
    expect(ours).not.toBe(theirs);
    expect(extendedIdsFor(new CodePermutation(Buffer.alloc(32, 0x5a)), [5])).toEqual([ours]);
  });

  it('are refused when corrupted, truncated, lower-cased or foreign', () => {
    const [extendedId] = extendedIdsFor(permutation, [31]);
    const substituted = extendedId.slice(0, 4) + (extendedId[4] === 'X' ? 'Y' : 'X') + extendedId.slice(5);
    const transposed =
      extendedId[0] === extendedId[1] ? null : extendedId[1] + extendedId[0] + extendedId.slice(2);
    for (const corrupted of [substituted, transposed, extendedId.slice(1), extendedId.toLowerCase() + 'Z']) {
      if (corrupted === null) continue;
      expect(() => indexFromExtendedId(permutation, corrupted)).toThrow(RangeError);
    }
    expect(() => indexFromExtendedId(permutation, 'ZZZZZZZZZZZZ')).toThrow(RangeError);
  });

  it('that are well formed but decrypt beyond 2^53 are refused', () => {
    // Every well-formed ID is some permuted value; most of those map to indices no code can have.
    let refused = 0;
    for (let i = 0; i < 100; i++) {
      const payload = String(i).padStart(11, '0');
      const ids = ALPHABET.split('').map((check) => payload + check);
      const extendedId = ids.find(isValidExtendedId);
      if (extendedId === undefined) throw new Error('no check character fits');
      try {
        indexFromExtendedId(permutation, extendedId);
      } catch (error) {
        expect(error).toBeInstanceOf(RangeError);
        refused++;
      }
    }
    expect(refused).toBeGreaterThan(0);
  });
});
