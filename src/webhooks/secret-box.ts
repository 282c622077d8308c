import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';

/** Endpoint secrets at rest: sealed with AES-256-GCM, opened only to sign a delivery. */
export interface SecretBox {
  seal(plain: string): string;
  open(sealed: string): string;
}

const VERSION = 'v1:';

/**
 * The key is derived from LINK_SECRET, which the API and the workers already share (the worker
 * signs the download links the API verifies); rotating LINK_SECRET makes the stored webhook
 * secrets unreadable, so endpoints must then be created again.
 */
export function createSecretBox(linkSecret: Buffer): SecretBox {
  const key = Buffer.from(
    hkdfSync('sha256', linkSecret, Buffer.alloc(0), 'workorder-service webhook secrets', 32),
  );
  return {
    seal(plain) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      const sealed = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
      return VERSION + Buffer.concat([iv, cipher.getAuthTag(), sealed]).toString('base64');
    },
    open(sealed) {
      if (!sealed.startsWith(VERSION)) throw new Error('Not a sealed webhook secret');
      const raw = Buffer.from(sealed.slice(VERSION.length), 'base64');
      const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(0, 12));
      decipher.setAuthTag(raw.subarray(12, 28));
      return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8');
    },
  };
}
