import { createSecretBox } from '../../../src/webhooks/secret-box';

describe('webhook secrets at rest', () => {
  const box = createSecretBox(Buffer.alloc(32, 3));
  const secret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';

  it('opens what it sealed; the sealed text does not show the secret and differs each time', () => {
    const sealed = box.seal(secret);
    expect(box.open(sealed)).toBe(secret);
    expect(sealed).not.toContain('MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw');
    expect(box.seal(secret)).not.toBe(sealed);
  });

  it('refuses a tampered text and another key', () => {
    const sealed = box.seal(secret);
    const raw = Buffer.from(sealed.slice(3), 'base64');
    raw[raw.length - 1] ^= 1;
    expect(() => box.open(`v1:${raw.toString('base64')}`)).toThrow();
    expect(() => createSecretBox(Buffer.alloc(32, 4)).open(sealed)).toThrow();
    expect(() => box.open(secret)).toThrow('Not a sealed webhook secret');
  });
});
