import fs from 'node:fs';
import type { Readable } from 'node:stream';
import yauzl from 'yauzl';

/**
 * Bytes fetched per read of the zip's metadata. The central directory of a 100,000-code zip (one
 * image entry per code) is about 8 MiB: a few reads instead of two per entry.
 */
const BLOCK_BYTES = 1 << 20;

/**
 * A file for yauzl (its documented RandomAccessReader extension point) that serves the small reads
 * it makes while walking the central directory, two per entry, from a 1 MiB block read ahead. yauzl's
 * own file reader issues each of them as an fs.read through the thread pool: opening a 20,000-image
 * zip took 1.4–1.8 s of a 4.7 s generator run, and takes about 0.1 s this way (docs/performance.md,
 * the offline generator). Entry data is streamed from the file.
 */
class BlockReadingFile extends yauzl.RandomAccessReader {
  private block = Buffer.alloc(0);
  private blockStart = 0;

  constructor(
    private readonly file: string,
    private readonly fd: number,
    private readonly size: number,
  ) {
    super();
  }

  override _readStreamForRange(start: number, end: number): Readable {
    // A stream of its own file descriptor: yauzl destroys entry streams, and a destroyed fs stream
    // closes its descriptor whatever autoClose says.
    return fs.createReadStream(this.file, { start, end: end - 1 });
  }

  override read(
    buffer: Buffer,
    offset: number,
    length: number,
    position: number,
    callback: (err: Error | null, bytesRead?: number) => void,
  ): void {
    const served = (): boolean => {
      const from = position - this.blockStart;
      if (from < 0 || from + length > this.block.length) return false;
      this.block.copy(buffer, offset, from, from + length);
      // Asynchronous like a real read: yauzl reads the next entry from this callback.
      process.nextTick(callback, null, length);
      return true;
    };
    if (served()) return;
    if (length > BLOCK_BYTES) {
      fs.read(this.fd, buffer, offset, length, position, (err, bytesRead) => callback(err, bytesRead));
      return;
    }
    const block = Buffer.allocUnsafe(Math.max(0, Math.min(BLOCK_BYTES, this.size - position)));
    fs.read(this.fd, block, 0, block.length, position, (err, bytesRead) => {
      if (err) {
        callback(err);
        return;
      }
      this.block = block.subarray(0, bytesRead);
      this.blockStart = position;
      // Short (the file ended): yauzl reports the EOF itself from the byte count.
      if (!served()) {
        const available = Math.max(0, Math.min(length, bytesRead));
        this.block.copy(buffer, offset, 0, available);
        callback(null, available);
      }
    });
  }

  override close(callback: (err: Error | null) => void): void {
    fs.close(this.fd, callback);
  }
}

/** yauzl.open with the block-reading file above; the options are yauzl's. */
export async function openZipFile(file: string, options: yauzl.Options): Promise<yauzl.ZipFile> {
  // Once per run, before anything else happens: a synchronous open and stat are the simplest.
  const fd = fs.openSync(file, 'r');
  try {
    const { size } = fs.fstatSync(fd);
    const reader = new BlockReadingFile(file, fd, size);
    return await new Promise<yauzl.ZipFile>((resolve, reject) =>
      yauzl.fromRandomAccessReader(reader, size, options, (err, zip) => (err ? reject(err) : resolve(zip))),
    );
  } catch (error) {
    fs.closeSync(fd);
    throw error;
  }
}
