import fs from 'node:fs';

/**
 * Files under DATA_DIR (the database, secrets, artifacts, outbox) are the service's user's alone:
 * every entry point sets umask 077 before it writes anything, so new directories are 0700 and new
 * files 0600, and DATA_DIR itself is made (or narrowed to) 0700. Returns a warning when DATA_DIR
 * belongs to another user and could not be narrowed.
 */
export function keepFilesPrivate(dataDir: string): string | undefined {
  process.umask(0o077);
  fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  if ((fs.statSync(dataDir).mode & 0o077) === 0) return undefined;
  try {
    fs.chmodSync(dataDir, 0o700);
    return undefined;
  } catch (err) {
    return `DATA_DIR ${dataDir} is readable by others and could not be narrowed to 0700: ${(err as Error).message}`;
  }
}
