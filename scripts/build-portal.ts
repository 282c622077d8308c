/**
 * Builds the partner portal into dist/portal: app.ts bundled by esbuild (no CDN, nothing fetched at
 * run time), index.html and styles.css copied. The API serves the folder at /portal/.
 */
import fs from 'node:fs';
import path from 'node:path';
import { build } from 'esbuild';

const ROOT = path.resolve(__dirname, '../..');
const SOURCE = path.join(ROOT, 'src/portal');
const OUT = path.join(ROOT, 'dist/portal');
const STATIC_FILES = ['index.html', 'styles.css'];

async function main(): Promise<void> {
  fs.rmSync(OUT, { recursive: true, force: true });
  fs.mkdirSync(OUT, { recursive: true });
  await build({
    entryPoints: [path.join(SOURCE, 'app.ts')],
    outfile: path.join(OUT, 'app.js'),
    bundle: true,
    format: 'iife',
    platform: 'browser',
    target: ['es2022'],
    minify: true,
    sourcemap: 'linked',
    tsconfig: path.join(SOURCE, 'tsconfig.json'),
    legalComments: 'none',
    logLevel: 'warning',
  });
  for (const file of STATIC_FILES) fs.copyFileSync(path.join(SOURCE, file), path.join(OUT, file));
  console.log(`portal: built ${path.relative(ROOT, OUT)}`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
