import { createHmac } from 'node:crypto';
import { inspect } from 'node:util';
import { CodePermutation, HIGH_MODULUS, LOW_MODULUS } from '../../../src/codes/permutation';

const key = Buffer.from('000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f', 'hex');
const MILLION = 1_000_000;

function consecutive(start: number, count: number): Float64Array {
  const indices = new Float64Array(count);
  for (let i = 0; i < count; i++) indices[i] = start + i;
  return indices;
}

function firstMismatch(actual: ArrayLike<number>, expected: ArrayLike<number>): number {
  if (actual.length !== expected.length) return 0;
  for (let i = 0; i < expected.length; i++) if (actual[i] !== expected[i]) return i;
  return -1;
}

/** The permuted value as one bigint, exact although 31^11 exceeds 2^53. */
function joined(high: number, low: number): bigint {
  return BigInt(high) * BigInt(LOW_MODULUS) + BigInt(low);
}

describe('the code permutation', () => {
  const permutation = new CodePermutation(key);

  it.each([
    ['from 0', 0],
    ['from 10^12', 1e12],
    ['ending at 2^53 - 1', Number.MAX_SAFE_INTEGER - MILLION + 1],
  ])('maps a million consecutive indices %s to distinct values and back', (_range, start) => {
    const indices = consecutive(start, MILLION);
    const values = permutation.encryptMany(indices);
    expect(values.high).toHaveLength(MILLION);
    const distinct = new Set<bigint>();
    for (let i = 0; i < MILLION; i++) {
      if (values.high[i] >= HIGH_MODULUS || values.low[i] >= LOW_MODULUS)
        throw new Error('value out of range');
      distinct.add(joined(values.high[i], values.low[i]));
    }
    expect(distinct.size).toBe(MILLION);
    const decrypted = permutation.decryptMany(values);
    expect(firstMismatch(decrypted, indices)).toBe(-1);
  });

  it('encrypts ten thousand indices in milliseconds and a million well within seconds', () => {
    const batch = consecutive(5e9, 10_000);
    permutation.encryptMany(batch);
    let started = performance.now();
    permutation.encryptMany(batch);
    // Generous bounds: a shared CI machine under load, yet far below a per-index AES call.
    expect(performance.now() - started).toBeLessThan(200);
    const indices = consecutive(5e9, MILLION);
    started = performance.now();
    permutation.encryptMany(indices);
    expect(performance.now() - started).toBeLessThan(3_000);
  });

  it('scatters consecutive indices over the whole domain', () => {
    const values = permutation.encryptMany(consecutive(0, 10_000));
    const highs = Array.from(values.high);
    // Sequential indices would all share high = 0; a permutation spreads them.
    expect(Math.max(...highs)).toBeGreaterThan(HIGH_MODULUS * 0.99);
    expect(Math.min(...highs)).toBeLessThan(HIGH_MODULUS * 0.01);
  });

  it('gives the same values for the same key, in a batch or one at a time', () => {
    const again = new CodePermutation(Buffer.from(key));
    const indices = consecutive(123_456_789, 1_000);
    const first = permutation.encryptMany(indices);
    const second = again.encryptMany(indices);
    expect(second.high).toEqual(first.high);
    expect(second.low).toEqual(first.low);
    expect(permutation.encrypt(indices[7])).toBe(joined(first.high[7], first.low[7]));
  });

  it('gives different values for a different key', () => {
    const otherKey = Buffer.from(key);
    otherKey[31] ^= 1;
    const indices = consecutive(0, 1_000);
    const ours = permutation.encryptMany(indices);
    const theirs = new CodePermutation(otherKey).encryptMany(indices);
    let equal = 0;
    for (let i = 0; i < indices.length; i++) {
      if (ours.high[i] === theirs.high[i] && ours.low[i] === theirs.low[i]) equal++;
    }
    expect(equal).toBe(0);
  });

  it('inverts single values exactly, including values above 2^53', () => {
    for (const index of [0, 1, 30, 887_503_681, 1e12, Number.MAX_SAFE_INTEGER]) {
      expect(permutation.decrypt(permutation.encrypt(index))).toBe(index);
    }
    const largest = BigInt(31) ** BigInt(11) - BigInt(1);
    const anyValue = permutation.encrypt(42);
    expect(anyValue).toBeGreaterThanOrEqual(0n);
    expect(anyValue).toBeLessThanOrEqual(largest);
  });

  it('refuses indices that are negative, fractional, unsafe or not numbers', () => {
    for (const index of [-1, 1.5, Number.MAX_SAFE_INTEGER + 1, Number.NaN, Infinity]) {
      expect(() => permutation.encrypt(index)).toThrow(RangeError);
    }
    expect(() => permutation.encryptMany([0, 1, -3])).toThrow(RangeError);
  });

  it('refuses values outside [0, 31^11), and values whose index would exceed 2^53', () => {
    expect(() => permutation.decrypt(-1n)).toThrow(RangeError);
    expect(() => permutation.decrypt(BigInt(31) ** BigInt(11))).toThrow(RangeError);
    expect(() =>
      permutation.decryptMany({ high: Uint32Array.of(HIGH_MODULUS), low: Uint32Array.of(0) }),
    ).toThrow(RangeError);
    // Most of the domain lies above 2^53: some value among a few hundred decrypts there.
    const values = { high: new Uint32Array(300), low: new Uint32Array(300) };
    for (let i = 0; i < 300; i++) values.low[i] = i;
    expect(() => permutation.decryptMany(values)).toThrow(RangeError);
  });

  it('never shows the key in errors or when printed', () => {
    const secret = Buffer.from('an unmistakable secret code key!');
    const keyed = new CodePermutation(secret);
    const roundKey = createHmac('sha256', secret)
      .update('extended-id-permutation-v1')
      .digest()
      .subarray(0, 16);
    const printed = `${String(keyed)} ${JSON.stringify(keyed)} ${inspect(keyed, { showHidden: true, depth: 5 })}`;
    expect(printed).not.toContain('unmistakable');
    expect(printed).not.toContain(secret.toString('hex'));
    expect(printed).not.toContain(roundKey.toString('hex'));
    expect(printed).not.toMatch(/<Buffer/);
    try {
      keyed.encrypt(-1);
    } catch (error) {
      expect(String(error)).not.toContain('unmistakable');
    }
    expect(() => new CodePermutation(Buffer.alloc(8))).toThrow(RangeError);
  });
});
