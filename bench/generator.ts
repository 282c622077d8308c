/**
 * The offline generator (docs/generator.md) on a service-made SID zip: PNG files per second through
 * the render pool, against the naive loop a printer would write (qrcode.toBuffer, then writeFile,
 * one code at a time), and, with BENCH_GENERATOR_MILLION=1, a 1,000,000-code run's peak memory.
 * Alone: `node dist/bench/generator.js` after `tsc -p bench/tsconfig.json`.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import QRCode from 'qrcode';
import { createRenderPool } from '../src/codes/render-pool';
import { generate } from '../src/generator/generate';
import { DEFAULT_SHEET } from '../src/generator/pdf-sheets';
import { makeWorkorderZip } from '../test/support/workorder-zip';
import { log, median, peakRssMiB, repeat, round, timed } from './stats';

export interface GeneratorFigures {
  codes: number;
  naiveCodes: number;
  threads: number;
  generatorCodesPerSecond: number;
  naiveCodesPerSecond: number;
  generatorVsNaive: number;
  /** The fastest of the runs: file creation on this disk has slow spells (docs/performance.md). */
  generatorBestCodesPerSecond: number;
  /** Peak resident memory of the whole process during the largest run, MiB. */
  peakRssMiB: number;
  million: { seconds: number; codesPerSecond: number; vsNaive: number; peakRssMiB: number } | null;
}

export async function benchGenerator(opts: {
  runs: number;
  codes: number;
  naiveCodes: number;
  million: boolean;
}): Promise<GeneratorFigures> {
  const threads = os.availableParallelism();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-generator-'));
  const pool = createRenderPool({ threads });
  try {
    log(`generator: a ${opts.codes}-code SID zip`);
    const zip = await makeWorkorderZip(fs.mkdtempSync(path.join(dir, 'zip-')), pool, {
      workorderId: 11,
      quantity: opts.codes,
      type: 'SID',
      secureGraphicVersion: 2,
    });
    const urls = await firstUrls(zip, opts.naiveCodes);
    // Outputs stay until the end: on ext4 without a journal (this machine's disk), creating files
    // right after thousands were deleted costs up to ten times more CPU for a few minutes, as the
    // inode allocator steps over recently deleted inodes (docs/performance.md).
    const naive = await repeat(opts.runs, async (run) => {
      const out = fs.mkdtempSync(path.join(dir, `naive-${run}-`));
      const seconds = await timed(async () => {
        for (const [i, url] of urls.entries()) {
          const png = await QRCode.toBuffer(url, { errorCorrectionLevel: 'M', scale: 4, margin: 4 });
          await fs.promises.writeFile(path.join(out, `${i}.png`), png);
        }
      });
      return urls.length / seconds;
    });
    const generated = await repeat(opts.runs, async (run) => {
      const out = path.join(dir, `generated-${run}`);
      const result = await generate({
        zipFile: zip,
        outDir: out,
        format: 'png',
        threads,
        sheet: DEFAULT_SHEET,
      });
      log(`generator run ${run + 1}: ${result.summary}`);
      return result.codes / result.seconds;
    });
    let million: GeneratorFigures['million'] = null;
    const generatorCodesPerSecond = median(generated);
    const naiveCodesPerSecond = median(naive);
    if (opts.million) million = await millionCodes(dir, pool, naiveCodesPerSecond);
    return {
      codes: opts.codes,
      naiveCodes: urls.length,
      threads,
      generatorCodesPerSecond: round(generatorCodesPerSecond, 0),
      naiveCodesPerSecond: round(naiveCodesPerSecond, 0),
      generatorVsNaive: round(generatorCodesPerSecond / naiveCodesPerSecond, 1),
      generatorBestCodesPerSecond: round(Math.max(...generated), 0),
      peakRssMiB: round(peakRss(), 0),
      million,
    };
  } finally {
    await pool.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * 1,000,000 codes to PNG files by the bundled generator in a child process, as a printer runs it:
 * the time, and the child's peak memory (render threads included), which must stay under 512 MiB.
 */
async function millionCodes(
  dir: string,
  pool: ReturnType<typeof createRenderPool>,
  naiveCodesPerSecond: number,
) {
  log('generator: a 1,000,000-code SID zip');
  const zip = await makeWorkorderZip(fs.mkdtempSync(path.join(dir, 'million-')), pool, {
    workorderId: 12,
    quantity: 1_000_000,
    type: 'SID',
    secureGraphicVersion: 2,
  });
  const out = path.join(dir, 'million-out');
  const bundle = path.resolve(__dirname, '../generator/workorder-generator.js');
  const started = process.hrtime.bigint();
  const child = spawn(process.execPath, [bundle, zip, '--out', out], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let summary = '';
  child.stdout.on('data', (chunk: Buffer) => (summary += chunk.toString()));
  let peak = 0;
  const sample = setInterval(() => {
    try {
      peak = Math.max(peak, peakRssMiB(child));
    } catch {
      // The child has just exited.
    }
  }, 250);
  const [status] = (await once(child, 'exit')) as [number | null];
  clearInterval(sample);
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  if (status !== 0) throw new Error(`the generator exited with ${status}`);
  log(`generator: ${summary.trim()}; peak RSS ${peak.toFixed(0)} MiB`);
  fs.rmSync(out, { recursive: true, force: true });
  return {
    seconds: round(seconds, 1),
    codesPerSecond: round(1_000_000 / seconds, 0),
    vsNaive: round(1_000_000 / seconds / naiveCodesPerSecond, 1),
    peakRssMiB: round(peak, 0),
  };
}

async function firstUrls(zip: string, count: number): Promise<string[]> {
  const { WorkorderZip } = await import('../src/generator/workorder-zip');
  const opened = await WorkorderZip.open(zip);
  const urls: string[] = [];
  try {
    for await (const code of opened.codes()) {
      urls.push(code.url);
      if (urls.length === count) break;
    }
  } finally {
    opened.close();
  }
  return urls;
}

/** This process's peak resident memory (VmHWM, Linux), MiB: the main thread and its render threads. */
function peakRss(): number {
  const status = fs.readFileSync('/proc/self/status', 'utf8');
  return Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1]) / 1024;
}

if (require.main === module) {
  benchGenerator({
    runs: Number(process.env.BENCH_RUNS ?? 3),
    codes: Number(process.env.BENCH_GENERATOR_CODES ?? 20_000),
    naiveCodes: 2_000,
    million: process.env.BENCH_GENERATOR_MILLION === '1',
  })
    .then((figures) => console.log(JSON.stringify(figures, null, 2)))
    .catch((err: unknown) => {
      console.error(err);
      process.exit(1);
    });
}
