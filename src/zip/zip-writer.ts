import { once } from 'node:events';
import type { Writable } from 'node:stream';
import { crc32, createDeflateRaw } from 'node:zlib';

/**
 * A minimal, deterministic ZIP writer for the workorder download: stored entries from buffers,
 * deflated entries from streams, fixed dates and modes. It keeps only a small central-directory
 * record per entry (about 80 bytes), where archiver kept kilobytes of objects per entry: 100,000
 * images took over 500 MB of heap there. Zip64 end records are added past 65,535 entries.
 */
export class ZipWriter {
  private offset = 0;
  private readonly central: Buffer[] = [];
  private centralSize = 0;
  private count = 0;

  constructor(
    private readonly out: Writable,
    private readonly date: Date,
  ) {}

  /** An entry stored as is (PNGs are already compressed); sizes and CRC go in the local header. */
  async addStored(name: string, data: Uint8Array): Promise<void> {
    const header = this.localHeader(name, STORED, 0, crc32(data), data.length, data.length);
    await this.write(header);
    await this.write(data);
  }

  /** A deflated entry from a stream of chunks; CRC and sizes follow in a data descriptor. */
  async addDeflated(
    name: string,
    chunks: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
    level: number,
  ): Promise<void> {
    const headerOffset = this.offset;
    await this.write(this.localHeaderAt(name, DEFLATED, DATA_DESCRIPTOR_FLAG, 0, 0, 0));
    const deflate = createDeflateRaw({ level });
    let crc = 0;
    let size = 0;
    let compressedSize = 0;
    const feeding = (async () => {
      try {
        for await (const chunk of chunks) {
          crc = crc32(chunk, crc);
          size += chunk.length;
          if (!deflate.write(chunk)) await once(deflate, 'drain');
        }
        deflate.end();
      } catch (err) {
        deflate.destroy(err as Error);
      }
    })();
    for await (const compressed of deflate) {
      compressedSize += (compressed as Buffer).length;
      await this.write(compressed as Buffer);
    }
    await feeding;
    const descriptor = Buffer.alloc(16);
    descriptor.writeUInt32LE(0x08074b50, 0);
    descriptor.writeUInt32LE(crc >>> 0, 4);
    descriptor.writeUInt32LE(check32(compressedSize), 8);
    descriptor.writeUInt32LE(check32(size), 12);
    await this.write(descriptor);
    this.addCentral(name, DEFLATED, DATA_DESCRIPTOR_FLAG, crc, compressedSize, size, headerOffset);
  }

  /** Central directory and end records; the caller ends the stream. */
  async finish(): Promise<void> {
    const centralOffset = this.offset;
    for (const record of this.central) await this.write(record);
    const zip64 = this.count > 0xffff;
    if (zip64) {
      const zip64End = Buffer.alloc(56);
      zip64End.writeUInt32LE(0x06064b50, 0);
      zip64End.writeBigUInt64LE(44n, 4);
      zip64End.writeUInt16LE(45, 12);
      zip64End.writeUInt16LE(45, 14);
      zip64End.writeBigUInt64LE(BigInt(this.count), 24);
      zip64End.writeBigUInt64LE(BigInt(this.count), 32);
      zip64End.writeBigUInt64LE(BigInt(this.centralSize), 40);
      zip64End.writeBigUInt64LE(BigInt(centralOffset), 48);
      const locator = Buffer.alloc(20);
      locator.writeUInt32LE(0x07064b50, 0);
      locator.writeBigUInt64LE(BigInt(this.offset), 8);
      locator.writeUInt32LE(1, 16);
      await this.write(zip64End);
      await this.write(locator);
    }
    const end = Buffer.alloc(22);
    end.writeUInt32LE(0x06054b50, 0);
    end.writeUInt16LE(zip64 ? 0xffff : this.count, 8);
    end.writeUInt16LE(zip64 ? 0xffff : this.count, 10);
    end.writeUInt32LE(check32(this.centralSize), 12);
    end.writeUInt32LE(check32(centralOffset), 16);
    await this.write(end);
  }

  private localHeader(
    name: string,
    method: number,
    flags: number,
    crc: number,
    compressedSize: number,
    size: number,
  ): Buffer {
    const header = this.localHeaderAt(name, method, flags, crc, compressedSize, size);
    this.addCentral(name, method, flags, crc, compressedSize, size, this.offset);
    return header;
  }

  private localHeaderAt(
    name: string,
    method: number,
    flags: number,
    crc: number,
    compressedSize: number,
    size: number,
  ): Buffer {
    const nameBytes = Buffer.from(name, 'utf8');
    const header = Buffer.alloc(30 + nameBytes.length);
    header.writeUInt32LE(0x04034b50, 0);
    header.writeUInt16LE(VERSION_NEEDED, 4);
    header.writeUInt16LE(flags | UTF8_FLAG, 6);
    header.writeUInt16LE(method, 8);
    header.writeUInt16LE(dosTime(this.date), 10);
    header.writeUInt16LE(dosDate(this.date), 12);
    header.writeUInt32LE(crc >>> 0, 14);
    header.writeUInt32LE(check32(compressedSize), 18);
    header.writeUInt32LE(check32(size), 22);
    header.writeUInt16LE(nameBytes.length, 26);
    nameBytes.copy(header, 30);
    return header;
  }

  private addCentral(
    name: string,
    method: number,
    flags: number,
    crc: number,
    compressedSize: number,
    size: number,
    headerOffset: number,
  ): void {
    const nameBytes = Buffer.from(name, 'utf8');
    const record = Buffer.alloc(46 + nameBytes.length);
    record.writeUInt32LE(0x02014b50, 0);
    record.writeUInt16LE((UNIX << 8) | VERSION_NEEDED, 4);
    record.writeUInt16LE(VERSION_NEEDED, 6);
    record.writeUInt16LE(flags | UTF8_FLAG, 8);
    record.writeUInt16LE(method, 10);
    record.writeUInt16LE(dosTime(this.date), 12);
    record.writeUInt16LE(dosDate(this.date), 14);
    record.writeUInt32LE(crc >>> 0, 16);
    record.writeUInt32LE(check32(compressedSize), 20);
    record.writeUInt32LE(check32(size), 24);
    record.writeUInt16LE(nameBytes.length, 28);
    record.writeUInt32LE(FILE_MODE * 0x10000, 38);
    record.writeUInt32LE(check32(headerOffset), 42);
    nameBytes.copy(record, 46);
    this.central.push(record);
    this.centralSize += record.length;
    this.count++;
  }

  private async write(bytes: Uint8Array): Promise<void> {
    this.offset += bytes.length;
    if (!this.out.write(bytes)) await once(this.out, 'drain');
  }
}

const STORED = 0;
const DEFLATED = 8;
const DATA_DESCRIPTOR_FLAG = 0x0008;
const UTF8_FLAG = 0x0800;
const VERSION_NEEDED = 20;
const UNIX = 3;
/** A regular file, rw-r--r--. */
const FILE_MODE = 0o100644;

/** Sizes and offsets must fit the classic 32-bit fields: a 10,000,000-code CSV is under 1 GB. */
function check32(value: number): number {
  if (value > 0xffffffff) throw new RangeError('zip entry or offset beyond 4 GiB');
  return value;
}

function dosTime(d: Date): number {
  return (d.getUTCHours() << 11) | (d.getUTCMinutes() << 5) | (d.getUTCSeconds() >> 1);
}

function dosDate(d: Date): number {
  return ((d.getUTCFullYear() - 1980) << 9) | ((d.getUTCMonth() + 1) << 5) | d.getUTCDate();
}
