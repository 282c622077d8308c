import { createCipheriv, createHmac } from 'node:crypto';

/**
 * A keyed permutation of the code indices [0, 31^11): extended IDs are unguessable without the key,
 * never collide, and map back to their index without a lookup (docs/product.md, Codes).
 *
 * An alternating Feistel network (as in NIST FF1) over the mixed-radix split
 * index = high * 31^6 + low, with AES-128 as the round function.
 */

// Module-local names for the hot loops: CommonJS output reads each export as `exports.NAME`.
const HIGH = 31 ** 5;
const LOW = 31 ** 6;
export const HIGH_MODULUS = HIGH;
export const LOW_MODULUS = LOW;
/** 31^11 is above 2^53, so values of the whole domain are kept split as (high, low). */
export const DOMAIN_SIZE = BigInt(HIGH) * BigInt(LOW);

const KEY_DERIVATION_LABEL = 'extended-id-permutation-v1';
/** Even, so after the last round the halves are back on their original moduli. */
const ROUNDS = 10;
const BLOCK_BYTES = 16;
/** Offset of the round input in the AES block; byte 0 holds the round number. */
const INPUT_OFFSET = 12;
// Hot loops use local aliases: global lookups are slow inside vm contexts such as Jest's.
const { floor } = Math;
const { isSafeInteger } = Number;

/** Values split as high * 31^6 + low, high in [0, 31^5), low in [0, 31^6). */
export interface SplitValues {
  high: Uint32Array;
  low: Uint32Array;
}

export class CodePermutation {
  /** Held privately and never printed: the permutation is only as secret as this key. */
  readonly #roundKey: Buffer;

  constructor(key: Buffer) {
    if (key.length < 16) throw new RangeError('the code key must have at least 16 bytes');
    this.#roundKey = createHmac('sha256', key).update(KEY_DERIVATION_LABEL).digest().subarray(0, 16);
  }

  /** Permuted values of many indices at once; each round encrypts all blocks in one AES call. */
  encryptMany(indices: ArrayLike<number>): SplitValues {
    const { high, low } = splitIndices(indices);
    // (a, b) start on moduli (31^5, 31^6); every round swaps them.
    const blocks = Buffer.alloc(high.length * BLOCK_BYTES);
    let a = high;
    let b = low;
    for (let round = 0; round < ROUNDS; round++) {
      const aModulus = round % 2 === 0 ? HIGH : LOW;
      const mixed = this.#roundFunction(round, b, aModulus, blocks);
      for (let i = 0; i < a.length; i++) {
        const sum = a[i] + mixed[i];
        mixed[i] = sum >= aModulus ? sum - aModulus : sum;
      }
      a = b;
      b = mixed;
    }
    return { high: a, low: b };
  }

  /**
   * Indices of many permuted values: the exact inverse of encryptMany. Throws RangeError when an
   * index is beyond 2^53, which no issued code has.
   */
  decryptMany(values: SplitValues): Float64Array {
    return joinIndices(this.decryptManySplit(values));
  }

  /** decryptMany with the indices kept split, for values whose index may be beyond 2^53. */
  decryptManySplit(values: SplitValues): SplitValues {
    checkSplitValues(values);
    const blocks = Buffer.alloc(values.high.length * BLOCK_BYTES);
    let a = values.high;
    let b = values.low;
    for (let round = ROUNDS - 1; round >= 0; round--) {
      // Undo (a, b) ← (b, (a + F(b)) mod m): the previous b is a, the previous a is b - F(a).
      const previousAModulus = round % 2 === 0 ? HIGH : LOW;
      const mixed = this.#roundFunction(round, a, previousAModulus, blocks);
      for (let i = 0; i < b.length; i++) {
        const difference = b[i] - mixed[i];
        mixed[i] = difference < 0 ? difference + previousAModulus : difference;
      }
      b = a;
      a = mixed;
    }
    return { high: a, low: b };
  }

  /** Permuted value of one index, as a bigint because the domain exceeds 2^53. */
  encrypt(index: number): bigint {
    const { high, low } = this.encryptMany([index]);
    return BigInt(high[0]) * BigInt(LOW) + BigInt(low[0]);
  }

  /** Index of one permuted value; throws RangeError when that index is beyond 2^53. */
  decrypt(value: bigint): number {
    if (value < 0n || value >= DOMAIN_SIZE) throw new RangeError('a permuted value lies in [0, 31^11)');
    const high = Uint32Array.of(Number(value / BigInt(LOW)));
    const low = Uint32Array.of(Number(value % BigInt(LOW)));
    return this.decryptMany({ high, low })[0];
  }

  /**
   * F_r(x) for every x: the first 48 bits of AES(block of r and x), reduced mod `modulus`.
   * `blocks` is scratch space of 16 bytes per input, reused across rounds.
   */
  #roundFunction(round: number, inputs: Uint32Array, modulus: number, blocks: Buffer): Uint32Array {
    const blockView = new DataView(blocks.buffer, blocks.byteOffset, blocks.byteLength);
    for (let i = 0, offset = 0; i < inputs.length; i++, offset += BLOCK_BYTES) {
      blockView.setUint8(offset, round);
      blockView.setUint32(offset + INPUT_OFFSET, inputs[i]);
    }
    const cipher = createCipheriv('aes-128-ecb', this.#roundKey, null).setAutoPadding(false);
    const encrypted = cipher.update(blocks);
    const encryptedView = new DataView(encrypted.buffer, encrypted.byteOffset, encrypted.byteLength);
    const outputs = new Uint32Array(inputs.length);
    for (let i = 0, offset = 0; i < inputs.length; i++, offset += BLOCK_BYTES) {
      // Below 2^48, so exact in a double; the bias of the reduction is under 2^-18.
      const value = encryptedView.getUint32(offset) * 0x10000 + encryptedView.getUint16(offset + 4);
      // Faster than %; the rounded quotient may overshoot by one, which the sign check undoes.
      const remainder = value - floor(value / modulus) * modulus;
      outputs[i] = remainder < 0 ? remainder + modulus : remainder;
    }
    return outputs;
  }
}

/** Splits safe-integer indices into (high, low); throws RangeError on anything else. */
export function splitIndices(indices: ArrayLike<number>): SplitValues {
  const high = new Uint32Array(indices.length);
  const low = new Uint32Array(indices.length);
  for (let i = 0; i < indices.length; i++) {
    const index = indices[i];
    if (!isSafeInteger(index) || index < 0) {
      throw new RangeError(`a code index is an integer in [0, 2^53), got ${index}`);
    }
    // The float quotient can round up across an integer; the remainder corrects it exactly.
    let quotient = floor(index / LOW);
    let remainder = index - quotient * LOW;
    if (remainder < 0) {
      quotient -= 1;
      remainder += LOW;
    } else if (remainder >= LOW) {
      quotient += 1;
      remainder -= LOW;
    }
    high[i] = quotient;
    low[i] = remainder;
  }
  return { high, low };
}

/** Joins split indices back into numbers; throws RangeError for any beyond 2^53. */
export function joinIndices(values: SplitValues): Float64Array {
  const indices = new Float64Array(values.high.length);
  for (let i = 0; i < indices.length; i++) {
    const index = values.high[i] * LOW + values.low[i];
    if (!isSafeInteger(index)) throw new RangeError('the code index exceeds 2^53');
    indices[i] = index;
  }
  return indices;
}

function checkSplitValues(values: SplitValues): void {
  if (values.high.length !== values.low.length) throw new RangeError('high and low differ in length');
  for (let i = 0; i < values.high.length; i++) {
    if (values.high[i] >= HIGH || values.low[i] >= LOW) {
      throw new RangeError('a permuted value lies in [0, 31^11)');
    }
  }
}
