import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { ArtifactNotFound, checkKey, type ArtifactStore } from './artifacts';
import { DigestStream, sha256Of } from './digest';

/**
 * The artifact store as a directory (the default, for one machine). Writes go to a temporary file
 * renamed into place, so an object appears whole or not at all.
 */
export function createLocalArtifactStore(root: string): ArtifactStore {
  const base = path.resolve(root);
  fs.mkdirSync(base, { recursive: true });
  const pathOf = (key: string): string => path.join(base, ...checkKey(key).split('/'));

  const missing = (err: unknown) => (err as NodeJS.ErrnoException).code === 'ENOENT';

  return {
    async put(key, body) {
      const target = pathOf(key);
      await fsp.mkdir(path.dirname(target), { recursive: true });
      const temp = `${target}.${randomBytes(6).toString('hex')}.tmp`;
      try {
        if (typeof body === 'string' || Buffer.isBuffer(body)) {
          const bytes = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
          await fsp.writeFile(temp, bytes);
          await fsp.rename(temp, target);
          return { key, sha256: sha256Of(bytes), size: bytes.length };
        }
        const digest = new DigestStream();
        await pipeline(body, digest, fs.createWriteStream(temp));
        await fsp.rename(temp, target);
        return { key, sha256: digest.sha256(), size: digest.byteCount };
      } catch (err) {
        await fsp.rm(temp, { force: true });
        throw err;
      }
    },

    async get(key, range) {
      // Opened before returning, so a missing file is this promise's rejection, not a stream error.
      const handle = await fsp.open(pathOf(key)).catch((err: unknown) => {
        throw missing(err) ? new ArtifactNotFound(key) : err;
      });
      return handle.createReadStream(range ? { start: range.start, end: range.end } : {});
    },

    async head(key) {
      try {
        const stat = await fsp.stat(pathOf(key));
        return stat.isFile() ? { size: stat.size } : undefined;
      } catch (err) {
        if (missing(err)) return undefined;
        throw err;
      }
    },

    async removePrefix(prefix) {
      await fsp.rm(pathOf(prefix.replace(/\/+$/, '')), { recursive: true, force: true });
    },
  };
}
