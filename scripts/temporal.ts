/** `npm run temporal`: the Temporal dev server alone, with this project's search attributes. */
import path from 'node:path';
import { ConfigError, loadConfig } from '../src/config';
import { startDevServer } from './lib/dev-server';
import { findTemporalCli } from './lib/temporal-cli';

const projectDir = path.resolve(__dirname, '../..');

/** Until the server is up, a signal just exits; the 'exit' hook kills a server being started. */
function exitOnSignal(signal: NodeJS.Signals): void {
  process.exit(signal === 'SIGINT' ? 130 : 143);
}

async function main(): Promise<void> {
  process.on('SIGINT', exitOnSignal);
  process.on('SIGTERM', exitOnSignal);
  const config = loadConfig();
  const cli = await findTemporalCli({ explicitPath: config.temporal.cliPath, projectDir });
  const started = Date.now();
  const server = await startDevServer({
    cliPath: cli.path,
    dbFile: config.temporalDbFile,
    port: config.temporal.port,
    uiPort: config.temporal.uiPort,
    namespace: config.temporal.namespace,
    detached: true,
  });
  console.log(`Temporal dev server ready in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  console.log(`  gRPC:      ${server.address} (namespace ${config.temporal.namespace})`);
  console.log(`  Web UI:    ${server.uiUrl}`);
  console.log(`  Database:  ${config.temporalDbFile}`);
  console.log('Press Ctrl-C to stop.');

  let stopping = false;
  const shutdown = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    console.log(`\n${signal}: stopping the Temporal dev server…`);
    server.stop().then(
      () => process.exit(0),
      (err: unknown) => {
        console.error(err);
        process.exit(1);
      },
    );
  };
  process.removeListener('SIGINT', exitOnSignal);
  process.removeListener('SIGTERM', exitOnSignal);
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
  server.process.once('exit', (code, signal) => {
    if (stopping) return;
    console.error(`Temporal dev server exited unexpectedly (${signal ?? `code ${code}`})`);
    process.exit(1);
  });
}

main().catch((err: unknown) => {
  // Our own errors carry a full explanation; show a stack only for the unexpected kinds.
  const expected = err instanceof ConfigError || (err instanceof Error && err.constructor === Error);
  console.error(expected ? (err as Error).message : err);
  process.exit(1);
});
