import { createHash } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';

/**
 * Passes bytes through while counting them and hashing them with SHA-256: the ref of a stored
 * object is known once it is written, without reading it back (from a bucket, a second download).
 */
export class DigestStream extends Transform {
  private readonly hash = createHash('sha256');
  /** Not `size`: the S3 uploader would take that for the body's length before it is known. */
  byteCount = 0;

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    this.hash.update(chunk);
    this.byteCount += chunk.length;
    done(null, chunk);
  }

  /** Call once the stream has ended. */
  sha256(): string {
    return this.hash.digest('hex');
  }
}

export function sha256Of(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}
