import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import type { ArtifactRef } from '../shared/workorder';

/**
 * The artifact store: codes, images and zips, addressed by key (`workorders/7/batches/00001.csv`).
 * Writes go to a temporary file and are renamed into place, so a reader or a retried activity
 * never sees half a file.
 */
export interface ArtifactStore {
  readonly root: string;
  /** Local file path of a key (the download endpoint streams it with Range support). */
  pathOf(key: string): string;
  exists(key: string): Promise<boolean>;
  read(key: string): Promise<Buffer>;
  write(key: string, data: Buffer | string): Promise<ArtifactRef>;
  /** Writes through a stream the caller fills; the file appears under `key` only once `fill` resolves. */
  writeStream(key: string, fill: (out: fs.WriteStream) => Promise<void>): Promise<ArtifactRef>;
  removePrefix(prefix: string): Promise<void>;
}

const KEY = /^[A-Za-z0-9][A-Za-z0-9._-]*(\/[A-Za-z0-9][A-Za-z0-9._-]*)*$/;

export function createLocalArtifactStore(root: string): ArtifactStore {
  const base = path.resolve(root);
  fs.mkdirSync(base, { recursive: true });

  const pathOf = (key: string): string => {
    if (!KEY.test(key) || key.split('/').some((part) => part === '..' || part === '.')) {
      throw new Error(`Invalid artifact key: ${key}`);
    }
    return path.join(base, ...key.split('/'));
  };

  const tempFor = async (target: string) => {
    await fsp.mkdir(path.dirname(target), { recursive: true });
    return `${target}.${randomBytes(6).toString('hex')}.tmp`;
  };

  const refOf = async (key: string, file: string): Promise<ArtifactRef> => {
    const hash = createHash('sha256');
    let size = 0;
    for await (const chunk of fs.createReadStream(file)) {
      hash.update(chunk as Buffer);
      size += (chunk as Buffer).length;
    }
    return { key, sha256: hash.digest('hex'), size };
  };

  return {
    root: base,
    pathOf,
    async exists(key) {
      try {
        await fsp.access(pathOf(key));
        return true;
      } catch {
        return false;
      }
    },
    read: (key) => fsp.readFile(pathOf(key)),
    async write(key, data) {
      const target = pathOf(key);
      const temp = await tempFor(target);
      const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
      await fsp.writeFile(temp, bytes);
      await fsp.rename(temp, target);
      return { key, sha256: createHash('sha256').update(bytes).digest('hex'), size: bytes.length };
    },
    async writeStream(key, fill) {
      const target = pathOf(key);
      const temp = await tempFor(target);
      const out = fs.createWriteStream(temp);
      try {
        await fill(out);
        await new Promise<void>((resolve, reject) => {
          if (out.closed) return resolve();
          out.once('close', resolve);
          out.once('error', reject);
          out.end();
        });
        await fsp.rename(temp, target);
      } catch (err) {
        out.destroy();
        await fsp.rm(temp, { force: true });
        throw err;
      }
      return refOf(key, target);
    },
    async removePrefix(prefix) {
      await fsp.rm(pathOf(prefix.replace(/\/+$/, '')), { recursive: true, force: true });
    },
  };
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
