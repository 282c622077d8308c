/**
 * The generator as one file (scripts/build-generator.ts): copied alone to a directory outside the
 * repository, run with `node` on real zips, it writes the zip's own images byte for byte, and refuses
 * a tampered zip with one line and a non-zero status. Nothing mocked.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { buildGenerator } from '../../../scripts/build-generator';
import { createRenderPool, type RenderPool } from '../../../src/codes/render-pool';
import { renderWorkerFile } from '../../support/render-worker';
import { makeWorkorderZip } from '../../support/workorder-zip';
import { readZip } from '../../support/zip';
import { writeZip } from '../../support/zip-rewrite';

const run = promisify(execFile);
let pool: RenderPool;
let away: string;
let work: string;

beforeAll(async () => {
  pool = createRenderPool({ threads: 2, workerFile: renderWorkerFile() });
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'generator-bundle-build-'));
  // Outside the repository: no node_modules above it to lean on.
  away = fs.mkdtempSync(path.join(os.tmpdir(), 'printer-'));
  await buildGenerator(path.join(work, 'workorder-generator.js'));
  fs.copyFileSync(path.join(work, 'workorder-generator.js'), path.join(away, 'workorder-generator.js'));
  for (const [id, type] of [
    [7, 'SID'],
    [8, 'SSC'],
  ] as const) {
    const zip = await makeWorkorderZip(fs.mkdtempSync(path.join(work, 'zip-')), pool, {
      workorderId: id,
      quantity: 300,
      type,
      secureGraphicVersion: 2,
    });
    fs.copyFileSync(zip, path.join(away, path.basename(zip)));
  }
}, 300_000);

afterAll(async () => {
  await pool.close();
  for (const dir of [work, away]) fs.rmSync(dir, { recursive: true, force: true });
});

test('the bundle is alone in a directory outside the repository', () => {
  expect(fs.readdirSync(away).sort()).toEqual([
    'workorder-7.zip',
    'workorder-8.zip',
    'workorder-generator.js',
  ]);
  expect(path.relative(path.resolve(__dirname, '../../..'), away)).toMatch(/^\.\./);
});

test.each([7, 8])(
  'node workorder-generator.js workorder-%i.zip --out codes/ writes the zip’s images',
  async (id) => {
    const out = `codes-${id}`;
    const { stdout } = await run(
      process.execPath,
      ['workorder-generator.js', `workorder-${id}.zip`, '--out', out],
      {
        cwd: away,
        env: { PATH: process.env.PATH ?? '' },
      },
    );
    expect(stdout).toMatch(new RegExp(`^workorder ${id}: png into ${out}, 300 files: 300 codes`));
    const entries = await readZip(fs.readFileSync(path.join(away, `workorder-${id}.zip`)));
    const images = [...entries].filter(([name]) => name.startsWith('codes/'));
    expect(images).toHaveLength(300);
    for (const [name, png] of images) {
      expect(fs.readFileSync(path.join(away, out, path.basename(name))).equals(png)).toBe(true);
    }
  },
);

test('pdf and svg run from the bundle too', async () => {
  await run(
    process.execPath,
    ['workorder-generator.js', 'workorder-8.zip', '--out', 'sheets', '--format', 'pdf', '--per-sheet', '150'],
    {
      cwd: away,
    },
  );
  expect(fs.readdirSync(path.join(away, 'sheets')).sort()).toEqual([
    'sheet-00000001-00000150.pdf',
    'sheet-00000151-00000300.pdf',
  ]);
  await run(
    process.execPath,
    ['workorder-generator.js', 'workorder-8.zip', '--out', 'svg', '--format', 'svg', '--to', '5'],
    {
      cwd: away,
    },
  );
  expect(fs.readdirSync(path.join(away, 'svg'))).toHaveLength(5);
});

test('a tampered zip: one line on stderr, exit status 1, nothing written', async () => {
  const entries = await readZip(fs.readFileSync(path.join(away, 'workorder-7.zip')));
  const csv = (entries.get('codes.csv') as Buffer).toString('utf8');
  entries.set('codes.csv', Buffer.from(csv.replace(/,1,1,1,/, ',1,1,2,')));
  await writeZip(path.join(away, 'tampered.zip'), entries);
  const failure = await run(
    process.execPath,
    ['workorder-generator.js', 'tampered.zip', '--out', 'nothing'],
    {
      cwd: away,
    },
  ).catch((error: { code: number; stderr: string }) => error);
  expect(failure).toMatchObject({ code: 1 });
  expect((failure as { stderr: string }).stderr).toMatch(/^generate: .*codes.csv.*\n$/);
  expect(fs.existsSync(path.join(away, 'nothing'))).toBe(false);
});
