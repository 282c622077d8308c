/**
 * `npm start`: the whole service on one machine — a Temporal dev server (unless TEMPORAL_ADDRESS
 * points at one), the worker and the API, stopped in reverse order on Ctrl-C.
 */
import { ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { ConfigError, loadConfig } from '../src/config';
import { keepFilesPrivate } from '../src/private-files';
import { stopChildProcess } from './lib/child-process';
import { DevServer, ensureSearchAttributes, startDevServer } from './lib/dev-server';
import { findTemporalCli } from './lib/temporal-cli';
import { describeSecurity, temporalConnectionSettings } from '../src/temporal-connection';

const projectDir = path.resolve(__dirname, '../..');
const WORKER_ENTRY = path.resolve(__dirname, '../src/worker.js');
const API_ENTRY = path.resolve(__dirname, '../src/api/server.js');
/** The worker may be finishing activities; the API only has requests in flight. */
const WORKER_STOP_TIMEOUT_MS = 30_000;
const API_STOP_TIMEOUT_MS = 10_000;

interface Service {
  name: string;
  child: ChildProcess;
}

function startService(name: string, entry: string, address: string): Service {
  const child = spawn(process.execPath, [entry], {
    env: { ...process.env, TEMPORAL_ADDRESS: address },
    stdio: 'inherit',
    // Own process group: a terminal Ctrl-C reaches only us, and we stop things in order.
    detached: true,
  });
  // Detached children outlive us unless killed: cover crashes of this process.
  process.once('exit', () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });
  return { name, child };
}

async function stopService(service: Service, timeoutMs: number): Promise<void> {
  await stopChildProcess(service.child, timeoutMs, () =>
    console.error(`${service.name} did not stop within ${timeoutMs / 1000} s; killing it`),
  );
}

/** Until everything runs, a signal just exits; 'exit' hooks kill whatever was already spawned. */
function exitOnSignal(signal: NodeJS.Signals): void {
  process.exit(signal === 'SIGINT' ? 130 : 143);
}

async function main(): Promise<void> {
  process.on('SIGINT', exitOnSignal);
  process.on('SIGTERM', exitOnSignal);
  const config = loadConfig();
  const privacyWarning = keepFilesPrivate(config.dataDir);
  if (privacyWarning) console.error(privacyWarning);
  for (const entry of [WORKER_ENTRY, API_ENTRY]) {
    if (!fs.existsSync(entry)) throw new Error(`${entry} is missing; run \`npm run build\` first`);
  }

  let devServer: DevServer | undefined;
  let address: string;
  let uiUrl: string | null = null;
  if (config.temporal.address) {
    address = config.temporal.address;
    console.log(
      `Using the Temporal server at ${address} (${describeSecurity(temporalConnectionSettings(config))})`,
    );
    await ensureSearchAttributes(temporalConnectionSettings(config));
  } else {
    const cli = await findTemporalCli({ explicitPath: config.temporal.cliPath, projectDir });
    const logFile = path.join(config.dataDir, 'temporal-server.log');
    const started = Date.now();
    devServer = await startDevServer({
      cliPath: cli.path,
      dbFile: config.temporalDbFile,
      port: config.temporal.port,
      uiPort: config.temporal.uiPort,
      namespace: config.temporal.namespace,
      logFile,
      detached: true,
    });
    address = devServer.address;
    uiUrl = devServer.uiUrl;
    console.log(
      `Temporal dev server ready at ${address} in ${((Date.now() - started) / 1000).toFixed(1)} s (log: ${logFile})`,
    );
  }

  const worker = startService('worker', WORKER_ENTRY, address);
  const api = startService('API', API_ENTRY, address);
  const services = [api, worker];

  console.log('');
  console.log('Workorder service');
  console.log(`  API:       http://localhost:${config.port}`);
  console.log(`  Web UI:    ${uiUrl ?? '(external Temporal server: use its own Web UI)'}`);
  console.log(`  Temporal:  ${address} (namespace ${config.temporal.namespace})`);
  console.log('Press Ctrl-C to stop.');
  console.log('');

  let shuttingDown = false;
  const shutdown = async (exitCode: number): Promise<never> => {
    shuttingDown = true;
    await stopService(api, API_STOP_TIMEOUT_MS);
    await stopService(worker, WORKER_STOP_TIMEOUT_MS);
    await devServer?.stop();
    process.exit(exitCode);
  };
  const onFatal = (err: unknown) => {
    console.error(err);
    process.exit(1);
  };

  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.removeListener(signal, exitOnSignal);
    process.on(signal, () => {
      if (shuttingDown) return;
      console.log(`\n${signal}: stopping the API, the worker${devServer ? ' and Temporal' : ''}…`);
      shutdown(0).catch(onFatal);
    });
  }
  for (const service of services) {
    service.child.once('exit', (code, signal) => {
      if (shuttingDown) return;
      console.error(
        `The ${service.name} exited unexpectedly (${signal ?? `code ${code}`}); stopping everything`,
      );
      shutdown(1).catch(onFatal);
    });
  }
  devServer?.process.once('exit', (code, signal) => {
    if (shuttingDown) return;
    console.error(
      `The Temporal dev server exited unexpectedly (${signal ?? `code ${code}`}); stopping everything`,
    );
    shutdown(1).catch(onFatal);
  });
}

main().catch((err: unknown) => {
  // Our own errors carry a full explanation; show a stack only for the unexpected kinds.
  const expected = err instanceof ConfigError || (err instanceof Error && err.constructor === Error);
  console.error(expected ? (err as Error).message : err);
  process.exit(1);
});
