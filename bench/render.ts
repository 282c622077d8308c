/**
 * Batch rendering: 10,000 code URLs to PNG through the project's render pool (worker threads, all
 * cores, the slices generate-batch uses), against qrcode's own toBuffer loop and Debian's zint.
 */
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import jsQR from 'jsqr';
import { PNG } from 'pngjs';
import QRCode from 'qrcode';
import { CodePermutation } from '../src/codes/permutation';
import { DEFAULT_QR } from '../src/codes/qr';
import { createRenderPool, type RenderPool } from '../src/codes/render-pool';
import { batchRows } from '../src/codes/rows';
import type { CodeSettings } from '../src/shared/workorder';
import { packImages } from '../src/storage/artifacts';
import { log, median, repeat, timed } from './stats';

/** As generate-batch renders: slices of this many texts, one heartbeat between them. */
const RENDER_SLICE = 1000;

export const BENCH_CODE: CodeSettings = {
  codeIndexStart: 1_000_000,
  urlPrefix: 'https://qr.example.com/q/',
  serialStart: null,
  withImages: true,
  keyId: 'bench',
  codeLayout: 'qr',
  qr: DEFAULT_QR,
};

export function benchUrls(permutation: CodePermutation, count: number): string[] {
  return batchRows(permutation, BENCH_CODE, 1, 1, count).map((r) => r.url);
}

export interface RenderFigures {
  codes: number;
  naiveCodes: number;
  poolCodesPerSecond: number;
  naiveCodesPerSecond: number;
  zintCodesPerSecond: number;
  zintParallelCodesPerSecond: number;
  nativeRenderer: string;
  poolVsNaive: number;
  poolVsNative: number;
  threads: number;
  decodeChecked: number;
}

/** Debian's zint, installed on first use; qrencode when zint is not in the archive. */
function nativeRenderer(): 'zint' | 'qrencode' {
  const has = (tool: string) => spawnSync('sh', ['-c', `command -v ${tool}`]).status === 0;
  if (has('zint')) return 'zint';
  log('installing zint from Debian (apt-get)');
  spawnSync('sh', ['-c', 'apt-get update -qq && apt-get install -y -qq zint'], { stdio: 'ignore' });
  if (has('zint')) return 'zint';
  spawnSync('sh', ['-c', 'apt-get install -y -qq qrencode'], { stdio: 'ignore' });
  if (has('qrencode')) return 'qrencode';
  throw new Error('neither zint nor qrencode could be installed');
}

/** One native process per input file: zint's batch mode writes one PNG per line. */
function runNative(tool: 'zint' | 'qrencode', inputs: string[], dir: string): Promise<void> {
  const runs = inputs.map(
    (input, i) =>
      new Promise<void>((resolve, reject) => {
        const out = path.join(dir, `out-${i}`);
        fs.mkdirSync(out, { recursive: true });
        // M level, 4 px per module, 4-module quiet zone: the same images the service draws.
        const cmd =
          tool === 'zint'
            ? `zint --batch -b QRCODE --secure=2 --scale=2 --quietzones --mirror --filetype=png -i ${input}`
            : `n=0; while IFS= read -r t; do n=$((n+1)); qrencode -l M -s 4 -m 4 -o "$n.png" "$t"; done < ${input}`;
        const child = spawn('sh', ['-c', cmd], { cwd: out, stdio: ['ignore', 'ignore', 'pipe'] });
        let stderr = '';
        child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
        child.on('error', reject);
        child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`${tool}: ${stderr}`))));
      }),
  );
  return Promise.all(runs).then(() => undefined);
}

async function renderLikeTheActivity(pool: RenderPool, urls: string[], file: string): Promise<Buffer[]> {
  const images: Buffer[] = [];
  for (let start = 0; start < urls.length; start += RENDER_SLICE) {
    images.push(...(await pool.render(urls.slice(start, start + RENDER_SLICE), DEFAULT_QR)));
  }
  fs.writeFileSync(file, packImages(images));
  return images;
}

function decodes(png: Buffer): string | undefined {
  const image = PNG.sync.read(png);
  return jsQR(new Uint8ClampedArray(image.data), image.width, image.height)?.data;
}

export async function benchRendering(opts: {
  permutation: CodePermutation;
  runs: number;
  codes: number;
  naiveCodes: number;
}): Promise<RenderFigures> {
  const threads = os.cpus().length;
  const urls = benchUrls(opts.permutation, opts.codes);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-render-'));
  const tool = nativeRenderer();
  const single = path.join(dir, 'all.txt');
  fs.writeFileSync(single, urls.join('\n') + '\n');
  const perCore = Array.from({ length: threads }, (_, i) => {
    const file = path.join(dir, `part-${i}.txt`);
    fs.writeFileSync(file, urls.filter((_, j) => j % threads === i).join('\n') + '\n');
    return file;
  });
  const pool = createRenderPool({ threads });
  try {
    // Warm-up: threads started, code paths compiled.
    await pool.render(urls.slice(0, 500), DEFAULT_QR);
    let checked = 0;
    const samples = await repeat(opts.runs, async (run) => {
      let images: Buffer[] = [];
      const poolSeconds = await timed(async () => {
        images = await renderLikeTheActivity(pool, urls, path.join(dir, 'batch.images'));
      });
      for (let i = run; i < images.length; i += 997) {
        if (decodes(images[i]) !== urls[i]) throw new Error(`image ${i} does not decode to its URL`);
        checked++;
      }
      const naiveSeconds = await timed(async () => {
        for (const url of urls.slice(0, opts.naiveCodes)) {
          await QRCode.toBuffer(url, { errorCorrectionLevel: 'M', scale: 4, margin: 4 });
        }
      });
      fs.rmSync(path.join(dir, 'out-0'), { recursive: true, force: true });
      const zintSeconds = await timed(() => runNative(tool, [single], dir));
      for (let i = 0; i < threads; i++)
        fs.rmSync(path.join(dir, `out-${i}`), { recursive: true, force: true });
      const zintParallelSeconds = await timed(() => runNative(tool, perCore, dir));
      const figures = {
        pool: urls.length / poolSeconds,
        naive: opts.naiveCodes / naiveSeconds,
        zint: urls.length / zintSeconds,
        zintParallel: urls.length / zintParallelSeconds,
      };
      log(`render run ${run + 1}: ${JSON.stringify(figures)}`);
      return figures;
    });
    const pick = (k: keyof (typeof samples)[number]) => median(samples.map((s) => s[k]));
    const ratio = (k: 'naive' | 'zintParallel') => median(samples.map((s) => s.pool / s[k]));
    return {
      codes: opts.codes,
      naiveCodes: opts.naiveCodes,
      poolCodesPerSecond: pick('pool'),
      naiveCodesPerSecond: pick('naive'),
      zintCodesPerSecond: pick('zint'),
      zintParallelCodesPerSecond: pick('zintParallel'),
      nativeRenderer: tool,
      poolVsNaive: ratio('naive'),
      poolVsNative: ratio('zintParallel'),
      threads,
      decodeChecked: checked,
    };
  } finally {
    await pool.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
