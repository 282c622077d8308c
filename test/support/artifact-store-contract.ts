/**
 * What every artifact store promises, as one test body run against each implementation: the local
 * directory (test/unit/storage/local-store.test.ts) and S3 on a real Versity Gateway
 * (test/integration/s3-store.test.ts).
 */
import { createHash, randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { Readable } from 'node:stream';
import {
  ArtifactNotFound,
  readArtifact,
  writeArtifactStream,
  type ArtifactStore,
} from '../../src/storage/artifacts';

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

/** `count` chunks of 1 MiB of random bytes. */
const chunks = (count: number) => Array.from({ length: count }, () => randomBytes(1024 * 1024));

export function artifactStoreContract(open: () => ArtifactStore): void {
  let store: ArtifactStore;
  let prefix: string;
  beforeAll(() => {
    store = open();
  });
  beforeEach(() => {
    prefix = `contract-${randomBytes(4).toString('hex')}`;
  });

  test('put returns the SHA-256 and size; head, get and a range give them back', async () => {
    const bytes = randomBytes(100_000);
    const ref = await store.put(`${prefix}/a.bin`, bytes);
    expect(ref).toEqual({ key: `${prefix}/a.bin`, sha256: sha256(bytes), size: bytes.length });
    expect(await store.head(`${prefix}/a.bin`)).toEqual({ size: bytes.length });
    expect((await readArtifact(store, `${prefix}/a.bin`)).equals(bytes)).toBe(true);
    const range: Buffer[] = [];
    for await (const chunk of await store.get(`${prefix}/a.bin`, { start: 10, end: 29 })) {
      range.push(chunk as Buffer);
    }
    expect(Buffer.concat(range).equals(bytes.subarray(10, 30))).toBe(true);
    const text = await store.put(`${prefix}/b.csv`, 'serial_number,extended_id\n');
    expect(text.size).toBe(26);
  });

  test('a streamed put larger than an S3 part is stored whole, and put replaces', async () => {
    const parts = chunks(20);
    const whole = Buffer.concat(parts);
    const ref = await store.put(`${prefix}/big.zip`, Readable.from(parts));
    expect(ref).toEqual({ key: `${prefix}/big.zip`, sha256: sha256(whole), size: whole.length });
    expect(sha256(await readArtifact(store, `${prefix}/big.zip`))).toBe(sha256(whole));
    await store.put(`${prefix}/big.zip`, 'small');
    expect((await readArtifact(store, `${prefix}/big.zip`)).toString()).toBe('small');
  });

  test('a missing object: head is undefined, get rejects with ArtifactNotFound', async () => {
    expect(await store.head(`${prefix}/nothing`)).toBeUndefined();
    await expect(store.get(`${prefix}/nothing`)).rejects.toBeInstanceOf(ArtifactNotFound);
  });

  test('removePrefix removes the object and everything under it, not its neighbours', async () => {
    await store.put(`${prefix}/1/batches/00001.codes.csv`, 'a');
    await store.put(`${prefix}/1/workorder-1.zip`, 'b');
    await store.put(`${prefix}/10/workorder-10.zip`, 'c');
    await store.put(`${prefix}/1.png`, 'd');
    await store.removePrefix(`${prefix}/1`);
    expect(await store.head(`${prefix}/1/batches/00001.codes.csv`)).toBeUndefined();
    expect(await store.head(`${prefix}/1/workorder-1.zip`)).toBeUndefined();
    expect(await store.head(`${prefix}/10/workorder-10.zip`)).toEqual({ size: 1 });
    expect(await store.head(`${prefix}/1.png`)).toEqual({ size: 1 });
    await store.removePrefix(`${prefix}/1.png`);
    expect(await store.head(`${prefix}/1.png`)).toBeUndefined();
    await store.removePrefix(`${prefix}/never-written`);
  });

  test('writeArtifactStream stores what the writer wrote, with backpressure', async () => {
    const parts = chunks(12);
    const ref = await writeArtifactStream(store, `${prefix}/zip`, async (out) => {
      for (const part of parts) if (!out.write(part)) await once(out, 'drain');
    });
    expect(ref.sha256).toBe(sha256(Buffer.concat(parts)));
    expect(ref.size).toBe(12 * 1024 * 1024);
  });

  test('a writer that fails leaves no object and its error reaches the caller', async () => {
    await expect(
      writeArtifactStream(store, `${prefix}/broken.zip`, async (out) => {
        out.write(Buffer.alloc(64 * 1024));
        await Promise.resolve();
        throw new Error('the writer broke');
      }),
    ).rejects.toThrow('the writer broke');
    expect(await store.head(`${prefix}/broken.zip`)).toBeUndefined();
    const failing = new Readable({
      read() {
        this.destroy(new Error('the source broke'));
      },
    });
    await expect(store.put(`${prefix}/broken.bin`, failing)).rejects.toThrow('the source broke');
    expect(await store.head(`${prefix}/broken.bin`)).toBeUndefined();
  });

  test('keys outside the store are refused', async () => {
    await expect(store.put('../outside', 'x')).rejects.toThrow(/Invalid artifact key/);
    await expect(store.get('/etc/passwd')).rejects.toThrow(/Invalid artifact key/);
  });
}
