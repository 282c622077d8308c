/**
 * Bundles the compiled workflow code once at build time so production workers load
 * dist/workflow-bundle.js instead of running webpack at start-up.
 * Usage: node dist/scripts/build-workflow-bundle.js [workflowsPath] [outFile]
 */
import fs from 'node:fs';
import path from 'node:path';
import { bundleWorkflowCode, DefaultLogger } from '@temporalio/worker';
import { WORKFLOW_TRACING_MODULE } from '../src/observability/tracing';

// This file runs as dist/scripts/build-workflow-bundle.js, next to the compiled dist/src.
const workflowsPath = path.resolve(process.argv[2] ?? path.resolve(__dirname, '../src/workflows/index.js'));
const outFile = path.resolve(process.argv[3] ?? path.resolve(__dirname, '../workflow-bundle.js'));

async function main(): Promise<void> {
  if (!fs.existsSync(workflowsPath)) {
    throw new Error(`${workflowsPath} does not exist; compile first (tsc -p tsconfig.build.json)`);
  }
  const started = Date.now();
  // WARN hides webpack's module listing on success; errors and problem modules still print.
  // The tracing interceptors go in always: with tracing off their spans end in a sink that drops them.
  const { code } = await bundleWorkflowCode({
    workflowsPath,
    workflowInterceptorModules: [WORKFLOW_TRACING_MODULE],
    logger: new DefaultLogger('WARN'),
  });
  fs.mkdirSync(path.dirname(outFile), { recursive: true });
  fs.writeFileSync(outFile, code);
  const kib = Math.round(Buffer.byteLength(code) / 1024);
  console.log(`Workflow bundle: ${outFile} (${kib} KiB, ${Date.now() - started} ms)`);
}

main().catch((err: unknown) => {
  console.error('Workflow bundle failed:', err instanceof Error ? err.message : err);
  process.exit(1);
});
