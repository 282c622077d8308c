/** Finds (building or downloading if need be) the Temporal CLI, so CI caches it before the tests. */
import path from 'node:path';
import { ConfigError, loadConfig } from '../src/config';
import { findTemporalCli } from './lib/temporal-cli';

async function main(): Promise<void> {
  const config = loadConfig();
  const cli = await findTemporalCli({
    explicitPath: config.temporal.cliPath,
    projectDir: path.resolve(__dirname, '../..'),
  });
  console.log(`Temporal CLI: ${cli.path} (${cli.source})`);
}

main().catch((err: unknown) => {
  // Our own errors carry a full explanation; show a stack only for the unexpected kinds.
  const expected = err instanceof ConfigError || (err instanceof Error && err.constructor === Error);
  console.error(expected ? (err as Error).message : err);
  process.exit(1);
});
