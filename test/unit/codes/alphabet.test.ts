import { ALPHABET, checkCharacter, isValidExtendedId } from '../../../src/codes/alphabet';
import { seededRandom } from './random';

function randomPayload(random: () => number): string {
  let payload = '';
  for (let i = 0; i < 11; i++) payload += ALPHABET[Math.floor(random() * ALPHABET.length)];
  return payload;
}

describe('the extended-ID alphabet', () => {
  it('has 31 distinct symbols, all QR alphanumeric, upper case, without I, L, O, U or Z', () => {
    expect(ALPHABET).toHaveLength(31);
    expect(new Set(ALPHABET).size).toBe(31);
    expect(ALPHABET).toMatch(/^[0-9A-Z]+$/);
    expect(ALPHABET).not.toMatch(/[ILOUZ]/);
  });
});

describe('the check character', () => {
  const random = seededRandom(20240611);
  const sampleIds = Array.from({ length: 2_000 }, () => {
    const payload = randomPayload(random);
    return payload + checkCharacter(payload);
  });

  it('makes every generated ID valid', () => {
    for (const id of sampleIds) expect(isValidExtendedId(id)).toBe(true);
  });

  it('catches every single-character substitution', () => {
    let substitutions = 0;
    for (const id of sampleIds) {
      for (let position = 0; position < id.length; position++) {
        for (const symbol of ALPHABET) {
          if (symbol === id[position]) continue;
          const corrupted = id.slice(0, position) + symbol + id.slice(position + 1);
          if (isValidExtendedId(corrupted)) throw new Error(`undetected substitution: ${id} → ${corrupted}`);
          substitutions++;
        }
      }
    }
    expect(substitutions).toBe(sampleIds.length * 12 * 30);
  });

  it('catches every adjacent transposition of distinct characters', () => {
    let transpositions = 0;
    for (const id of sampleIds) {
      for (let position = 0; position < id.length - 1; position++) {
        if (id[position] === id[position + 1]) continue;
        const swapped = id.slice(0, position) + id[position + 1] + id[position] + id.slice(position + 2);
        if (isValidExtendedId(swapped)) throw new Error(`undetected transposition: ${id} → ${swapped}`);
        transpositions++;
      }
    }
    expect(transpositions).toBeGreaterThan(sampleIds.length * 10);
  });

  it('catches every transposition of distinct characters, adjacent or not', () => {
    for (const id of sampleIds.slice(0, 200)) {
      for (let first = 0; first < id.length; first++) {
        for (let second = first + 1; second < id.length; second++) {
          if (id[first] === id[second]) continue;
          const chars = id.split('');
          [chars[first], chars[second]] = [chars[second], chars[first]];
          if (isValidExtendedId(chars.join(''))) throw new Error(`undetected transposition in ${id}`);
        }
      }
    }
  });

  it('is the one symbol that completes a payload (a known value)', () => {
    // 1*1 + 2*2 + … + 11*11 = 506 ≡ 10 (mod 31); 10 + 12 * 25 = 310 ≡ 0, and symbol 25 is S.
    expect(checkCharacter('123456789AB')).toBe('S');
    expect(isValidExtendedId('123456789ABS')).toBe(true);
    expect(checkCharacter('00000000000')).toBe('0');
  });

  it('refuses payloads of the wrong length or outside the alphabet', () => {
    expect(() => checkCharacter('123')).toThrow(RangeError);
    expect(() => checkCharacter('123456789AZ')).toThrow(RangeError);
    expect(() => checkCharacter('123456789ab')).toThrow(RangeError);
  });

  it('rejects IDs of the wrong length, with foreign or lower-case characters', () => {
    expect(isValidExtendedId('')).toBe(false);
    expect(isValidExtendedId('123456789AB')).toBe(false);
    expect(isValidExtendedId('123456789ABS0')).toBe(false);
    expect(isValidExtendedId('123456789aBS')).toBe(false);
    expect(isValidExtendedId('123456789AB\u00e9')).toBe(false);
    expect(isValidExtendedId('12345678-AB7')).toBe(false);
  });
});
