import { setMaxListeners } from 'node:events';
import { existsSync } from 'node:fs';
import path from 'node:path';
import Piscina from 'piscina';
import type { QrSettings } from '../shared/workorder';
import { FairQueue, type FairShare } from './fair-queue';
import type { RenderTask, RenderedPngs, SecureGraphicTask } from './render-worker';
import { SEED_BYTES } from './secure-graphic';

export interface RenderOptions {
  /** Rejects the render promptly with an AbortError when it aborts. */
  signal?: AbortSignal;
  /** SSC: each image carries the pattern of its seed (seeds in text order). */
  secureGraphic?: SecureGraphicTask;
  /** Whose work this is; without it, the work shares one first-come-first-served line. */
  share?: FairShare;
  /** SVG documents instead of PNGs (the offline generator). */
  output?: 'png' | 'svg';
}

/** Where renderToFiles writes: `dir/names[i]` for `texts[i]`. */
export interface RenderFiles {
  dir: string;
  names: string[];
}

/**
 * QR rendering on worker threads, so heartbeats and polling never wait on the CPU. The threads
 * serve tenants in turn (FairQueue), so one company's large orders cannot hold up another's.
 */
export interface RenderPool {
  /** PNGs of `texts` in input order. */
  render(texts: string[], qr: QrSettings, options?: RenderOptions): Promise<Buffer[]>;
  /**
   * The same images written to files by the render threads themselves; resolves with each file's
   * length in bytes, in input order.
   */
  renderToFiles(
    texts: string[],
    qr: QrSettings,
    files: RenderFiles,
    options?: RenderOptions,
  ): Promise<number[]>;
  close(): Promise<void>;
  readonly threads: number;
}

/**
 * Texts per task: enough to amortize messaging, few enough that threads share work, abort is quick
 * and another tenant's turn comes within tens of milliseconds.
 */
const TEXTS_PER_TASK = 250;
/** Added to the render threads' nice value (Linux; ignored where it cannot be set). */
const RENDER_NICENESS = 10;

export function createRenderPool(opts: {
  threads: number;
  workerFile?: string;
  /** Added to the threads' nice value; the offline generator, which is the machine's job, uses 0. */
  niceness?: number;
}): RenderPool {
  const { threads } = opts;
  if (!Number.isInteger(threads) || threads < 1) {
    throw new RangeError(`a render pool has a positive integer number of threads, got ${threads}`);
  }
  const filename = opts.workerFile ?? defaultWorkerFile();
  if (!existsSync(filename)) throw new Error(`render worker file not found: ${filename}`);
  const piscina = new Piscina<RenderTask, RenderedPngs>({
    filename,
    minThreads: threads,
    maxThreads: threads,
    // Rendering is throughput work: on shared cores, the API, Temporal and this process's main
    // thread (polling, heartbeats, a small order's steps) go first (docs/performance.md).
    niceIncrement: opts.niceness ?? RENDER_NICENESS,
  });
  const runFairly = fairDispatch(piscina, threads);

  /** Cuts `texts` into tasks of TEXTS_PER_TASK, runs them fairly, and returns their results in order. */
  async function runTasks(
    texts: string[],
    qr: QrSettings,
    { signal, secureGraphic, share, output }: RenderOptions,
    files?: RenderFiles,
  ): Promise<RenderedPngs[]> {
    signal?.throwIfAborted();
    if (secureGraphic && secureGraphic.seeds.length !== texts.length * SEED_BYTES) {
      throw new RangeError(
        `secure graphic: ${texts.length} texts need ${texts.length * SEED_BYTES} seed bytes`,
      );
    }
    if (files && files.names.length !== texts.length) {
      throw new RangeError(
        `${texts.length} texts need ${texts.length} file names, got ${files.names.length}`,
      );
    }
    // One controller for this call's tasks: the caller's signal gets a single listener, and a
    // failed task cancels the others instead of leaving them to run.
    const controller = new AbortController();
    setMaxListeners(Math.max(10, Math.ceil(texts.length / TEXTS_PER_TASK)), controller.signal);
    const forwardAbort = (): void => controller.abort(signal?.reason);
    signal?.addEventListener('abort', forwardAbort, { once: true });
    try {
      const tasks: Promise<RenderedPngs>[] = [];
      for (let start = 0; start < texts.length; start += TEXTS_PER_TASK) {
        const end = Math.min(texts.length, start + TEXTS_PER_TASK);
        const task: RenderTask = { texts: texts.slice(start, end), qr };
        if (output === 'svg') task.output = output;
        if (files) task.writeTo = { dir: files.dir, names: files.names.slice(start, end) };
        if (secureGraphic) {
          const seeds = secureGraphic.seeds.slice(start * SEED_BYTES, end * SEED_BYTES);
          task.secureGraphic = { settings: secureGraphic.settings, seeds };
        }
        tasks.push(runFairly(task, share ?? FIRST_COME, controller.signal));
      }
      return await Promise.all(tasks);
    } catch (error) {
      controller.abort(error);
      throw error;
    } finally {
      signal?.removeEventListener('abort', forwardAbort);
    }
  }

  return {
    threads,
    async render(texts, qr, options = {}) {
      return (await runTasks(texts, qr, options)).flatMap(splitPngs);
    },
    async renderToFiles(texts, qr, files, options = {}) {
      return (await runTasks(texts, qr, options, files)).flatMap((result) => result.lengths);
    },
    async close() {
      await piscina.close();
    },
  };
}

/** Work without a share: one tenant, first come first served. */
const FIRST_COME: FairShare = { tenant: '', since: 0 };

/**
 * Runs tasks with at most one per thread inside Piscina, the rest waiting in a FairQueue: Piscina's
 * own queue is first in, first out (and abortable tasks bypass a custom one). A task aborted while
 * it waits leaves the queue; a running one is stopped by Piscina.
 */
function fairDispatch(piscina: Piscina<RenderTask, RenderedPngs>, threads: number) {
  const waiting = new FairQueue<() => void>();
  let running = 0;
  const startNext = (): void => {
    while (running < threads) {
      const start = waiting.shift();
      if (!start) return;
      start();
    }
  };
  return (task: RenderTask, share: FairShare, signal: AbortSignal): Promise<RenderedPngs> =>
    new Promise((resolve, reject) => {
      const start = (): void => {
        running++;
        void piscina
          .run(task, { signal })
          .then(resolve, reject)
          .finally(() => {
            running--;
            startNext();
          });
      };
      if (running < threads) {
        start();
        return;
      }
      waiting.push(start, share);
      signal.addEventListener(
        'abort',
        () => {
          if (waiting.remove(start, share.tenant)) {
            reject(new DOMException('The render was aborted before it started', 'AbortError'));
          }
        },
        { once: true },
      );
    });
}

/** Views into the moved buffer, one per PNG; no copies. */
function splitPngs({ pngs, lengths }: RenderedPngs): Buffer[] {
  let offset = pngs.byteOffset;
  return lengths.map((length) => {
    const png = Buffer.from(pngs.buffer, offset, length);
    offset += length;
    return png;
  });
}

/**
 * The compiled worker beside the compiled pool (dist/src/codes). Under ts-jest this module runs
 * from src/codes, where only the TypeScript exists, so use the build output instead.
 */
function defaultWorkerFile(): string {
  const besideThisModule = path.join(__dirname, 'render-worker.js');
  if (existsSync(besideThisModule)) return besideThisModule;
  const built = path.resolve(__dirname, '../../dist/src/codes/render-worker.js');
  if (existsSync(built)) return built;
  throw new Error(`render worker not found at ${besideThisModule} or ${built}: run \`npm run build\` first`);
}
