/**
 * The render pool's worker compiled from today's sources, for tests that run without a build
 * (the pool's default is the compiled worker in dist/). esbuild takes milliseconds; the file is
 * named by its content and sits under node_modules so piscina and qrcode resolve as in the build.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { buildSync } from 'esbuild';

const ROOT = path.resolve(__dirname, '../..');

export function renderWorkerFile(): string {
  const [bundle] = buildSync({
    entryPoints: [path.join(ROOT, 'src/codes/render-worker.ts')],
    bundle: true,
    packages: 'external',
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    write: false,
  }).outputFiles;
  const dir = path.join(ROOT, 'node_modules/.cache/workorder-tests');
  const file = path.join(
    dir,
    `render-worker-${createHash('sha256').update(bundle.contents).digest('hex').slice(0, 16)}.js`,
  );
  if (!fs.existsSync(file)) {
    fs.mkdirSync(dir, { recursive: true });
    // Test files may run in parallel: write aside, then rename into place.
    const partial = `${file}.${process.pid}`;
    fs.writeFileSync(partial, bundle.contents);
    fs.renameSync(partial, file);
  }
  return file;
}
