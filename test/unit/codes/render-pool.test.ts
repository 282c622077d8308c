import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { extendedIdsFor } from '../../../src/codes/extended-id';
import { CodePermutation } from '../../../src/codes/permutation';
import { DEFAULT_QR, renderQrPng } from '../../../src/codes/qr';
import { createRenderPool, type RenderOptions, type RenderPool } from '../../../src/codes/render-pool';
import { renderWorkerFile } from '../../support/render-worker';

const repositoryRoot = path.resolve(__dirname, '../../..');

const urls = extendedIdsFor(
  new CodePermutation(Buffer.alloc(32, 3)),
  Array.from({ length: 1_200 }, (_, i) => i),
).map((extendedId) => `HTTPS://QR.EXAMPLE.COM/Q/${extendedId}`);

describe('the render pool', () => {
  // Today's sources, so the test never runs a stale dist/.
  const workerFile = renderWorkerFile();
  let pool: RenderPool;

  beforeAll(() => {
    pool = createRenderPool({ threads: 2, workerFile });
  });

  afterAll(async () => {
    await pool.close();
  });

  it('renders the same bytes as the main thread, in input order', async () => {
    const pngs = await pool.render(urls, DEFAULT_QR);
    expect(pngs).toHaveLength(urls.length);
    urls.forEach((url, i) => {
      if (!pngs[i].equals(renderQrPng(url, DEFAULT_QR))) throw new Error(`PNG ${i} differs`);
    });
  });

  it('returns views into one moved buffer per task rather than copies', async () => {
    const pngs = await pool.render(urls.slice(0, 3), DEFAULT_QR);
    expect(pngs[1].buffer).toBe(pngs[0].buffer);
    expect(pngs[0].buffer.byteLength).toBe(pngs.reduce((total, png) => total + png.length, 0));
  });

  it('rejects with the rendering error when a text does not fit in a QR code', async () => {
    await expect(pool.render([urls[0], 'X'.repeat(5_000)], DEFAULT_QR)).rejects.toThrow(/too big/);
  });

  it('uses the QR settings it is given', async () => {
    const qr = { errorCorrection: 'H', pixelsPerModule: 2, quietZoneModules: 1 } as const;
    const [png] = await pool.render([urls[0]], qr);
    expect(png.equals(renderQrPng(urls[0], qr))).toBe(true);
  });

  it('writes the same bytes to files on the render threads, and answers with their lengths', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'render-files-'));
    try {
      const texts = urls.slice(0, 600);
      const names = texts.map((_, i) => `code-${i}.png`);
      const lengths = await pool.renderToFiles(texts, DEFAULT_QR, { dir, names });
      expect(readdirSync(dir)).toHaveLength(600);
      texts.forEach((text, i) => {
        const written = readFileSync(path.join(dir, names[i]));
        if (!written.equals(renderQrPng(text, DEFAULT_QR)) || written.length !== lengths[i]) {
          throw new Error(`file ${names[i]} differs`);
        }
      });
      await expect(pool.renderToFiles(texts, DEFAULT_QR, { dir, names: names.slice(1) })).rejects.toThrow(
        /file names/,
      );
      await expect(
        pool.renderToFiles(['A'], DEFAULT_QR, { dir: path.join(dir, 'missing'), names: ['a.png'] }),
      ).rejects.toThrow(/ENOENT/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('renders nothing for no texts', async () => {
    await expect(pool.render([], DEFAULT_QR)).resolves.toEqual([]);
  });

  it('rejects promptly when aborted, and keeps working afterwards', async () => {
    const many = Array.from({ length: 10 }, () => urls).flat();
    const controller = new AbortController();
    const rendering = pool.render(many, DEFAULT_QR, { signal: controller.signal });
    await new Promise((resolve) => setTimeout(resolve, 50));
    const abortedAt = performance.now();
    controller.abort();
    await expect(rendering).rejects.toMatchObject({ name: 'AbortError' });
    expect(performance.now() - abortedAt).toBeLessThan(500);

    const [png] = await pool.render([urls[1]], DEFAULT_QR);
    expect(png.equals(renderQrPng(urls[1], DEFAULT_QR))).toBe(true);
  });

  it('refuses at once a signal that is already aborted', async () => {
    await expect(pool.render(urls, DEFAULT_QR, { signal: AbortSignal.abort() })).rejects.toMatchObject({
      name: 'AbortError',
    });
  });

  describe('on one thread, whose work comes first', () => {
    let oneThread: RenderPool;
    beforeAll(() => {
      oneThread = createRenderPool({ threads: 1, workerFile });
    });
    afterAll(() => oneThread.close());

    /** Starts both renders, the first queued first, and lists them in the order they finish. */
    async function finishingOrder(first: RenderOptions, second: RenderOptions): Promise<string[]> {
      const finished: string[] = [];
      const heavy = Array.from({ length: 4 }, () => urls).flat();
      await Promise.all([
        oneThread.render(heavy, DEFAULT_QR, first).then(() => finished.push('4,800 codes queued first')),
        oneThread.render(urls.slice(0, 100), DEFAULT_QR, second).then(() => finished.push('100 codes')),
      ]);
      return finished;
    }

    it("serves a company's 100 codes before the 4,800 another company queued first", async () => {
      const order = await finishingOrder(
        { share: { tenant: 'company-1', since: 1 } },
        { share: { tenant: 'company-2', since: 2 } },
      );
      expect(order).toEqual(['100 codes', '4,800 codes queued first']);
    });

    it("serves one company's batches in the order they began", async () => {
      expect(
        await finishingOrder(
          { share: { tenant: 'company-1', since: 1 } },
          { share: { tenant: 'company-1', since: 2 } },
        ),
      ).toEqual(['4,800 codes queued first', '100 codes']);
      expect(
        await finishingOrder(
          { share: { tenant: 'company-1', since: 2 } },
          { share: { tenant: 'company-1', since: 1 } },
        ),
      ).toEqual(['100 codes', '4,800 codes queued first']);
    });
  });

  it('reports its thread count and refuses nonsense thread counts or missing workers', () => {
    expect(pool.threads).toBe(2);
    expect(() => createRenderPool({ threads: 0, workerFile })).toThrow(RangeError);
    expect(() => createRenderPool({ threads: 1, workerFile: '/nonexistent/render-worker.js' })).toThrow(
      /not found/,
    );
  });

  it('finds the built worker by default, or says to build first', async () => {
    const built = path.join(repositoryRoot, 'dist', 'src', 'codes', 'render-worker.js');
    if (existsSync(built)) {
      await createRenderPool({ threads: 1 }).close();
    } else {
      expect(() => createRenderPool({ threads: 1 })).toThrow(/npm run build/);
    }
  });
});
