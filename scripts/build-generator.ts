/**
 * Bundles the offline generator into dist/generator/workorder-generator.js: one file a printing
 * partner runs with Node 20+ alone (docs/generator.md). The same file is the render pool's worker
 * thread: on the main thread it runs the command line; on a worker thread it exports the render
 * function and starts Piscina's worker loop, which Piscina is pointed at instead of its own
 * worker.js (a file the bundle does not have).
 */
import fs from 'node:fs';
import path from 'node:path';
import { build, type Plugin } from 'esbuild';

/** The repository: above scripts/ when run by tests from source, above dist/scripts/ when built. */
const ROOT = fs.existsSync(path.resolve(__dirname, '../src/generator/cli.ts'))
  ? path.resolve(__dirname, '..')
  : path.resolve(__dirname, '../..');
const OUT = path.join(ROOT, 'dist/generator/workorder-generator.js');
const PISCINA = path.dirname(require.resolve('piscina'));

/** Piscina starts `worker.js` beside its own module; in the bundle, that is the bundle itself. */
const piscinaWorkerIsTheBundle: Plugin = {
  name: 'piscina-worker-is-the-bundle',
  setup(b) {
    b.onLoad({ filter: /piscina[\\/]dist[\\/]index\.js$/ }, async (args) => {
      const source = await fs.promises.readFile(args.path, 'utf8');
      const original = "(0, node_path_1.resolve)(__dirname, 'worker.js')";
      if (!source.includes(original))
        throw new Error('piscina changed how it finds its worker: update this plugin');
      return { contents: source.replace(original, '__filename'), loader: 'js' };
    });
  },
};

const ENTRY = `
const { isMainThread } = require('node:worker_threads');
if (isMainThread) {
  require(${JSON.stringify(path.join(ROOT, 'src/generator/cli.ts'))})
    .runCli(process.argv.slice(2), __filename)
    .then((status) => { process.exitCode = status; });
} else {
  module.exports = require(${JSON.stringify(path.join(ROOT, 'src/codes/render-worker.ts'))}).default;
  require(${JSON.stringify(path.join(PISCINA, 'worker.js'))});
}
`;

/** Writes the bundle to `outfile` (tests bundle into a temporary directory). */
export async function buildGenerator(outfile = OUT): Promise<void> {
  fs.mkdirSync(path.dirname(outfile), { recursive: true });
  await build({
    stdin: { contents: ENTRY, resolveDir: ROOT, sourcefile: 'workorder-generator.js', loader: 'js' },
    outfile,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    minify: true,
    // Piscina's optional native `nice` is left out: without it, threads keep their priority.
    external: ['@napi-rs/nice'],
    plugins: [piscinaWorkerIsTheBundle],
    banner: {
      js: '#!/usr/bin/env node\n// Workorder code generator: node workorder-generator.js <workorder zip> --out <dir>',
    },
    legalComments: 'none',
    logLevel: 'error',
  });
  fs.chmodSync(outfile, 0o755);
}

async function main(): Promise<void> {
  await buildGenerator();
  console.log(
    `generator: built ${path.relative(ROOT, OUT)} (${(fs.statSync(OUT).size / 1024).toFixed(0)} KiB)`,
  );
}

if (require.main === module) {
  main().catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
}
