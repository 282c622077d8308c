import { availableParallelism } from 'node:os';
import { parseArgs } from 'node:util';
import { generate, type OutputFormat } from './generate';
import { ZipRefused } from './manifest';
import { DEFAULT_SHEET, parseGrid, parsePageSize, type SheetOptions } from './pdf-sheets';

export const USAGE = `usage: generate <workorder zip> --out <dir> [--format png|svg|pdf] [--from N] [--to M] [--threads N]
                [--page a4|a3|letter|<W>x<H>mm] [--grid <columns>x<rows>] [--per-sheet N]`;

class UsageError extends Error {}

/**
 * The offline generator's command line (docs/generator.md): returns the exit status. Every
 * failure is one line on stderr; the summary is one line on stdout.
 */
export async function runCli(argv: string[], workerFile?: string): Promise<number> {
  try {
    const options = parseCommandLine(argv);
    const result = await generate({ ...options, workerFile, progressOut: process.stderr });
    process.stdout.write(`${result.summary}\n`);
    return 0;
  } catch (error) {
    if (error instanceof UsageError) {
      process.stderr.write(`generate: ${error.message}\n${USAGE}\n`);
      return 2;
    }
    const message =
      error instanceof ZipRefused
        ? error.message
        : error instanceof Error
          ? `${(error as NodeJS.ErrnoException).code ?? 'error'}: ${error.message}`
          : String(error);
    process.stderr.write(`generate: ${message.split('\n')[0]}\n`);
    return 1;
  }
}

function parseCommandLine(argv: string[]) {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        out: { type: 'string', short: 'o' },
        format: { type: 'string', default: 'png' },
        from: { type: 'string' },
        to: { type: 'string' },
        threads: { type: 'string' },
        page: { type: 'string' },
        grid: { type: 'string' },
        'per-sheet': { type: 'string' },
      },
    });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const { values, positionals } = parsed;
  if (positionals.length !== 1) throw new UsageError('give exactly one workorder zip');
  if (!values.out) throw new UsageError('--out <dir> is required');
  const format = values.format as OutputFormat;
  if (!['png', 'svg', 'pdf'].includes(format))
    throw new UsageError(`--format is png, svg or pdf, not ${format}`);
  const sheet: SheetOptions = { ...DEFAULT_SHEET };
  if (values.page !== undefined) {
    const page = parsePageSize(values.page);
    if (!page) throw new UsageError(`--page is a4, a3, letter or <width>x<height>mm, not ${values.page}`);
    sheet.pageMm = page;
  }
  if (values.grid !== undefined) {
    const grid = parseGrid(values.grid);
    if (!grid) throw new UsageError(`--grid is <columns>x<rows>, not ${values.grid}`);
    sheet.grid = grid;
  }
  if (values['per-sheet'] !== undefined) sheet.codesPerSheet = positive('--per-sheet', values['per-sheet']);
  return {
    zipFile: positionals[0],
    outDir: values.out,
    format,
    from: values.from === undefined ? undefined : positive('--from', values.from),
    to: values.to === undefined ? undefined : positive('--to', values.to),
    threads: values.threads === undefined ? availableParallelism() : positive('--threads', values.threads),
    sheet,
  };
}

function positive(name: string, value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(n) || n < 1) {
    throw new UsageError(`${name} is a positive integer, not ${value}`);
  }
  return n;
}
