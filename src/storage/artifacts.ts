import { PassThrough, type Readable, type Writable } from 'node:stream';
import type { ArtifactRef } from '../shared/workorder';

/** Bytes `start` to `end` of an object, both included (as in an HTTP Range header). */
export interface ByteRange {
  start: number;
  end: number;
}

/**
 * The artifact store: codes, images and zips, addressed by key (`workorders/7/batches/00001.csv`).
 * An object appears whole once `put` resolves, so a reader or a retried activity never sees half
 * of one. A local directory and an S3 bucket implement it (./local.ts, ./s3.ts); ./index.ts picks
 * one from the configuration, and nothing else knows which.
 */
export interface ArtifactStore {
  /** Stores the bytes under `key`, replacing what was there; the ref has their SHA-256 and size. */
  put(key: string, body: Buffer | string | Readable): Promise<ArtifactRef>;
  /** The object's bytes, or one range of them; rejects with ArtifactNotFound when there is none. */
  get(key: string, range?: ByteRange): Promise<Readable>;
  head(key: string): Promise<{ size: number } | undefined>;
  /** Removes the object `prefix` and every object under `prefix/`. */
  removePrefix(prefix: string): Promise<void>;
  /**
   * Present only when the store can hand out a URL that downloads the object from the store itself
   * (and the configuration asks for it): the API then redirects downloads there.
   */
  presignedUrl?(key: string, download: { fileName: string; contentType: string }): Promise<string>;
}

export class ArtifactNotFound extends Error {
  constructor(readonly key: string) {
    super(`No artifact ${key}`);
  }
}

const KEY = /^[A-Za-z0-9][A-Za-z0-9._-]*(\/[A-Za-z0-9][A-Za-z0-9._-]*)*$/;

/** Keys are made by this module's functions; anything else (a `..`, an absolute path) is a bug. */
export function checkKey(key: string): string {
  if (!KEY.test(key) || key.split('/').some((part) => part === '..' || part === '.')) {
    throw new Error(`Invalid artifact key: ${key}`);
  }
  return key;
}

/** The whole object in memory: for batch parts, which are a few megabytes at most. */
export async function readArtifact(store: ArtifactStore, key: string): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of await store.get(key)) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/**
 * Stores what `fill` writes, streamed (the zip: gigabytes at the largest orders, never in memory).
 * The object appears only once `fill` resolves; if either side fails, both stop.
 */
export async function writeArtifactStream(
  store: ArtifactStore,
  key: string,
  fill: (out: Writable) => Promise<void>,
): Promise<ArtifactRef> {
  const out = new StoreFeed();
  const stored = store.put(key, out);
  void stored.catch((err: unknown) => out.fail(err as Error));
  try {
    await fill(out);
    out.end();
  } catch (err) {
    out.fail(err as Error);
    await stored.catch(() => undefined);
    throw err;
  }
  return stored;
}

/**
 * The pipe between a writer and the store. Once the store gives up, a writer waiting for 'drain'
 * gets the error, and one about to write gets it thrown: a destroyed stream alone would leave a
 * writer that awaits 'drain' after its next write() waiting forever.
 */
type WriteCallback = (error: Error | null | undefined) => void;

class StoreFeed extends PassThrough {
  private failure?: Error;

  constructor() {
    super();
    // Failures reach the caller through fill() and put(); an unheard 'error' would crash the process.
    this.on('error', () => undefined);
  }

  fail(err: Error): void {
    this.failure ??= err;
    this.destroy(err);
  }

  override write(
    chunk: unknown,
    encodingOrDone?: BufferEncoding | WriteCallback,
    done?: WriteCallback,
  ): boolean {
    if (this.failure) throw this.failure;
    return typeof encodingOrDone === 'string'
      ? super.write(chunk, encodingOrDone, done)
      : super.write(chunk, encodingOrDone ?? done);
  }
}

export function workorderPrefix(workorderId: number): string {
  return `workorders/${workorderId}`;
}

export function batchKeys(workorderId: number, batchNumber: number) {
  const stem = `${workorderPrefix(workorderId)}/batches/${String(batchNumber).padStart(5, '0')}`;
  return { codes: `${stem}.codes.csv`, files: `${stem}.files.csv`, images: `${stem}.images` };
}

export function zipKey(workorderId: number): string {
  return `${workorderPrefix(workorderId)}/workorder-${workorderId}.zip`;
}

/** serial_number,extended_id of every code, written with the zip (the batches may be gone later). */
export function serialNumbersKey(workorderId: number): string {
  return `${workorderPrefix(workorderId)}/serial-numbers.csv`;
}

/** Packs PNGs into one file (each prefixed by its 4-byte length) to avoid 10,000 tiny files a batch. */
export function packImages(images: Buffer[]): Buffer {
  const parts: Buffer[] = [];
  for (const image of images) {
    const length = Buffer.alloc(4);
    length.writeUInt32BE(image.length);
    parts.push(length, image);
  }
  return Buffer.concat(parts);
}

export function unpackImages(packed: Buffer): Buffer[] {
  const images: Buffer[] = [];
  let offset = 0;
  while (offset < packed.length) {
    const length = packed.readUInt32BE(offset);
    images.push(packed.subarray(offset + 4, offset + 4 + length));
    offset += 4 + length;
  }
  return images;
}
