import { mkdir, open, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { createRenderPool, type RenderOptions } from '../codes/render-pool';
import { secureGraphicSeeds } from '../codes/secure-graphic';
import { drawingOf, ZipRefused, type Drawing } from './manifest';
import { fromSvgDocument, sheetPdf, type SheetOptions } from './pdf-sheets';
import { Progress } from './progress';
import { WorkorderZip, type CodeLine } from './workorder-zip';

export type OutputFormat = 'png' | 'svg' | 'pdf';

export interface GenerateOptions {
  zipFile: string;
  outDir: string;
  format: OutputFormat;
  /** First and last sequence number to render (1-based, inclusive); absent: all. */
  from?: number;
  to?: number;
  threads: number;
  sheet: SheetOptions;
  /** The render pool's worker script (the bundle passes itself). */
  workerFile?: string;
  /** Where the progress bar is drawn, if it is a terminal. */
  progressOut?: NodeJS.WriteStream | null;
}

export interface GenerateResult {
  workorderId: number;
  codes: number;
  skipped: number;
  files: number;
  seconds: number;
  summary: string;
}

/** Codes per render call: enough to keep every thread busy (the pool cuts it into tasks of 250). */
const CHUNK = 2000;
/** Chunks in flight (rendering or being written): bounds memory at any order size. */
const IN_FLIGHT = 3;

/** What a complete file of each format ends with: a file cut short by a crash is redone. */
const TRAILERS: Record<OutputFormat, Buffer> = {
  png: Buffer.from([0, 0, 0, 0, 0x49, 0x45, 0x4e, 0x44, 0xae, 0x42, 0x60, 0x82]),
  svg: Buffer.from('</svg>\n'),
  pdf: Buffer.from('%%EOF'),
};

/**
 * Renders the codes of a workorder zip into `outDir` (docs/generator.md). The zip is checked in
 * full before anything is written; files already there and complete are skipped, so a stopped run
 * resumes where it was.
 */
export async function generate(options: GenerateOptions): Promise<GenerateResult> {
  const zip = await WorkorderZip.open(options.zipFile);
  try {
    await zip.verify();
    const { manifest } = zip;
    const quantity = manifest.workorder.quantity;
    const from = options.from ?? 1;
    const to = Math.min(options.to ?? quantity, quantity);
    if (from < 1 || from > Math.max(1, to)) {
      throw new ZipRefused(`--from ${from} --to ${to}: the workorder's codes are numbered 1 to ${quantity}`);
    }
    const drawing = drawingOf(manifest);
    await mkdir(options.outDir, { recursive: true });
    const existing = new Set(await readdir(options.outDir));
    const progress = new Progress(to - from + 1, options.progressOut ?? null);
    // The printer's job is this machine's job: its render threads keep normal priority.
    const pool = createRenderPool({ threads: options.threads, workerFile: options.workerFile, niceness: 0 });
    let files = 0;
    try {
      const selected = codesInRange(zip.codes(), from, to);
      const run = new Run(options, drawing, pool, existing, progress);
      if (options.format === 'pdf') files = await run.sheets(selected);
      else files = await run.images(selected);
    } finally {
      await pool.close();
    }
    const { done, skipped } = progress.codes;
    const summary = progress.finish(
      `workorder ${manifest.workorder.id}: ${options.format} into ${options.outDir}, ${files} files`,
    );
    return {
      workorderId: manifest.workorder.id,
      codes: done,
      skipped,
      files,
      seconds: progress.seconds(),
      summary,
    };
  } finally {
    zip.close();
  }
}

async function* codesInRange(
  codes: AsyncIterable<CodeLine>,
  from: number,
  to: number,
): AsyncGenerator<CodeLine> {
  for await (const code of codes) {
    if (code.sequenceNumber < from) continue;
    if (code.sequenceNumber > to) return;
    yield code;
  }
}

async function* chunks<T>(items: AsyncIterable<T>, size: number): AsyncGenerator<T[]> {
  let chunk: T[] = [];
  for await (const item of items) {
    chunk.push(item);
    if (chunk.length === size) {
      yield chunk;
      chunk = [];
    }
  }
  if (chunk.length > 0) yield chunk;
}

class Run {
  constructor(
    private readonly options: GenerateOptions,
    private readonly drawing: Drawing,
    private readonly pool: ReturnType<typeof createRenderPool>,
    private readonly existing: Set<string>,
    private readonly progress: Progress,
  ) {}

  /** One file per code, named by its extended ID, as in the zip's codes/ folder. */
  async images(codes: AsyncIterable<CodeLine>): Promise<number> {
    const format = this.options.format as 'png' | 'svg';
    let files = 0;
    await pipeline(chunks(codes, CHUNK), async (chunk) => {
      const names = chunk.map((code) => `${code.extendedId}.${format}`);
      const complete = await Promise.all(names.map((name) => this.isComplete(name)));
      const todo = chunk.filter((_, i) => !complete[i]);
      // The render threads write the files themselves (docs/performance.md, the offline generator).
      if (todo.length > 0) {
        await this.pool.renderToFiles(
          todo.map((code) => code.url),
          this.drawing.qr,
          { dir: this.options.outDir, names: names.filter((_, i) => !complete[i]) },
          this.renderOptions(todo, format),
        );
      }
      files += chunk.length;
      this.progress.add(chunk.length, chunk.length - todo.length);
    });
    return files;
  }

  /** Sheet files of `codesPerSheet` codes, named by the sequence numbers they hold. */
  async sheets(codes: AsyncIterable<CodeLine>): Promise<number> {
    const perSheet = this.options.sheet.codesPerSheet;
    let files = 0;
    await pipeline(chunks(codes, perSheet), async (chunk) => {
      const first = chunk[0].sequenceNumber;
      const name = `sheet-${pad(first)}-${pad(chunk[chunk.length - 1].sequenceNumber)}.pdf`;
      files++;
      if (await this.isComplete(name)) {
        this.progress.add(chunk.length, chunk.length);
        return;
      }
      const svgs = await this.render(chunk, 'svg');
      const sheet = await sheetPdf(
        svgs.map((svg, i) =>
          fromSvgDocument(svg.toString('utf8'), chunk[i].serialNumber || chunk[i].extendedId),
        ),
        this.drawing.dpi,
        this.options.sheet,
      );
      await writeFile(path.join(this.options.outDir, name), sheet);
      this.progress.add(chunk.length);
    });
    return files;
  }

  private render(codes: CodeLine[], output: 'png' | 'svg'): Promise<Buffer[]> {
    return this.pool.render(
      codes.map((code) => code.url),
      this.drawing.qr,
      this.renderOptions(codes, output),
    );
  }

  private renderOptions(codes: CodeLine[], output: 'png' | 'svg'): RenderOptions {
    const { graphic } = this.drawing;
    const options: RenderOptions = { output };
    if (graphic) {
      options.secureGraphic = {
        settings: graphic.settings,
        seeds: secureGraphicSeeds(
          graphic.seedKey,
          codes.map((code) => code.extendedId),
        ),
      };
    }
    return options;
  }

  /** Written by an earlier run and not cut short: the file ends as its format ends. */
  private async isComplete(name: string): Promise<boolean> {
    if (!this.existing.has(name)) return false;
    const trailer = TRAILERS[this.options.format];
    const file = await open(path.join(this.options.outDir, name), 'r');
    try {
      const { size } = await file.stat();
      if (size < trailer.length) return false;
      const tail = Buffer.alloc(trailer.length);
      await file.read(tail, 0, trailer.length, size - trailer.length);
      return tail.equals(trailer);
    } finally {
      await file.close();
    }
  }
}

/** Runs `work` on each item with up to IN_FLIGHT at once, in order of arrival; the first failure stops it. */
async function pipeline<T>(items: AsyncIterable<T>, work: (item: T) => Promise<void>): Promise<void> {
  const running = new Set<Promise<void>>();
  let failure: unknown;
  for await (const item of items) {
    const job: Promise<void> = work(item).then(
      () => {
        running.delete(job);
      },
      (error: unknown) => {
        failure ??= error;
        running.delete(job);
      },
    );
    running.add(job);
    if (running.size >= IN_FLIGHT) await Promise.race(running);
    if (failure) break;
  }
  await Promise.all(running);
  if (failure) throw failure;
}

function pad(sequence: number): string {
  return String(sequence).padStart(8, '0');
}
