/**
 * `npm run admin`: runs the operator CLI from one bundled file (dist/cli/admin.js), so a command
 * answers in about a second. The bundle is rebuilt with esbuild (well under a second) only when
 * it is missing or older than the sources. Plain JavaScript: it runs before anything is compiled.
 */
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

const require = createRequire(import.meta.url);
const root = path.resolve(import.meta.dirname, '..');
const bundle = path.join(root, 'dist/cli/admin.js');

function newestSource(dir) {
  let newest = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const file = path.join(dir, entry.name);
    // The portal is browser code the CLI never imports.
    if (entry.isDirectory() && file !== path.join(root, 'src/portal'))
      newest = Math.max(newest, newestSource(file));
    else if (entry.name.endsWith('.ts')) newest = Math.max(newest, fs.statSync(file).mtimeMs);
  }
  return newest;
}

function bundledAt() {
  try {
    return fs.statSync(bundle).mtimeMs;
  } catch {
    return 0;
  }
}

const inputs = ['package.json', 'tsconfig.json'].map((file) => fs.statSync(path.join(root, file)).mtimeMs);
if (bundledAt() <= Math.max(newestSource(path.join(root, 'src')), ...inputs)) {
  // Loaded only here: most commands never need esbuild.
  const { buildSync } = require('esbuild');
  buildSync({
    entryPoints: [path.join(root, 'src/cli/admin.ts')],
    outfile: bundle,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    logLevel: 'warning',
    // A native addon, an optional pg add-on, and the Temporal client only `workorder complete` loads.
    external: ['better-sqlite3', 'pg-native', '@temporalio/*'],
  });
}
require(bundle);
