import { ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Connection } from '@temporalio/client';
import { encodeSearchAttributeIndexedValueType } from '@temporalio/common/lib/search-attributes';
import { SEARCH_ATTRIBUTES } from '../../src/shared/search-attributes';
import { connectClient, type TemporalConnectionSettings } from '../../src/temporal-connection';
import { stopChildProcess } from './child-process';

export interface DevServerOptions {
  cliPath: string;
  dbFile: string;
  port: number;
  uiPort: number;
  namespace: string;
  ip?: string;
  /** Server output goes here (appended); without it, stderr is passed through to ours. */
  logFile?: string;
  headless?: boolean;
  /**
   * Run the server in its own process group so a terminal Ctrl-C reaches only the parent, which
   * then stops things in order. A process 'exit' hook still kills it if the parent dies.
   */
  detached?: boolean;
}

export interface DevServer {
  address: string;
  uiUrl: string | null;
  stop(): Promise<void>;
  process: ChildProcess;
}

const READY_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 10_000;

export function devServerArgs(opts: DevServerOptions): string[] {
  const args = [
    'server',
    'start-dev',
    '--db-filename',
    opts.dbFile,
    '--port',
    String(opts.port),
    '--ui-port',
    String(opts.uiPort),
    '--ip',
    opts.ip ?? '127.0.0.1',
    '--namespace',
    opts.namespace,
    '--log-level',
    'warn',
    ...searchAttributeArgs(),
    // Task queue fairness: tasks are dispatched by fairness key (one per company) in turn rather
    // than first in, first out. Server 1.29 keeps it off by default; it implies the new matcher.
    '--dynamic-config-value',
    'matching.enableFairness=true',
  ];
  if (opts.headless) args.push('--headless');
  return args;
}

/** `--search-attribute NAME=Type` for each of the project's search attributes. */
export function searchAttributeArgs(): string[] {
  return SEARCH_ATTRIBUTES.flatMap(({ name, type }) => ['--search-attribute', `${name}=${type}`]);
}

async function assertPortFree(ip: string, port: number, what: string): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', (err: NodeJS.ErrnoException) => {
      reject(
        err.code === 'EADDRINUSE'
          ? new Error(
              `${what} port ${ip}:${port} is already in use. If a Temporal server is running there, ` +
                `set TEMPORAL_ADDRESS=${ip}:${port} to use it; otherwise choose another port.`,
            )
          : err,
      );
    });
    probe.listen(port, ip, () => probe.close(() => resolve()));
  });
}

/** Connects and makes sure every search attribute in SEARCH_ATTRIBUTES is registered in the namespace. */
export async function ensureSearchAttributes(temporal: TemporalConnectionSettings): Promise<void> {
  const { namespace } = temporal;
  const connection = await connectClient(temporal);
  try {
    await registerSearchAttributes(connection, namespace);
  } finally {
    await connection.close();
  }
}

async function registerSearchAttributes(connection: Connection, namespace: string): Promise<void> {
  const { customAttributes } = await connection.operatorService.listSearchAttributes({ namespace });
  const existing = customAttributes ?? {};
  const missing: Record<string, number> = {};
  for (const { name, type } of SEARCH_ATTRIBUTES) {
    const wanted = encodeSearchAttributeIndexedValueType(
      type.toUpperCase() as 'INT' | 'KEYWORD' | 'BOOL',
    ) as number;
    const current = existing[name];
    if (current === undefined || current === null) missing[name] = wanted;
    else if (current !== wanted) {
      throw new Error(
        `Search attribute ${name} exists in namespace ${namespace} with another type (${current}, want ${type})`,
      );
    }
  }
  if (Object.keys(missing).length === 0) return;
  await connection.operatorService.addSearchAttributes({ namespace, searchAttributes: missing });
}

/** Polls until the frontend answers and the namespace exists, or the deadline passes. */
async function waitUntilReady(
  address: string,
  namespace: string,
  exited: () => boolean,
): Promise<Connection> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  let lastError: unknown;
  while (Date.now() < deadline && !exited()) {
    let connection: Connection | undefined;
    try {
      connection = await Connection.connect({ address, connectTimeout: 1_000 });
      await connection.workflowService.getSystemInfo({});
      await connection.workflowService.describeNamespace({ namespace });
      return connection;
    } catch (err) {
      lastError = err;
      await connection?.close().catch(() => undefined);
      await sleep(250);
    }
  }
  if (exited()) throw new Error('exited');
  throw new Error(
    `Temporal dev server at ${address} did not answer within ${READY_TIMEOUT_MS / 1000} s: ${String(lastError)}`,
  );
}

/**
 * Starts `temporal server start-dev` with the project's search attributes and resolves once the
 * server answers gRPC and the attributes are registered in the namespace.
 */
export async function startDevServer(opts: DevServerOptions): Promise<DevServer> {
  const ip = opts.ip ?? '127.0.0.1';
  const address = ip.includes(':') ? `[${ip}]:${opts.port}` : `${ip}:${opts.port}`;
  await assertPortFree(ip, opts.port, 'Temporal gRPC');
  if (!opts.headless) await assertPortFree(ip, opts.uiPort, 'Temporal Web UI');
  fs.mkdirSync(path.dirname(path.resolve(opts.dbFile)), { recursive: true });
  let logStream: fs.WriteStream | undefined;
  if (opts.logFile) {
    fs.mkdirSync(path.dirname(path.resolve(opts.logFile)), { recursive: true });
    logStream = fs.createWriteStream(opts.logFile, { flags: 'a' });
  }

  const child = spawn(opts.cliPath, devServerArgs({ ...opts, ip }), {
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: opts.detached ?? false,
  });
  let stopping = false;
  const stderrTail: string[] = [];
  child.stdout.on('data', (chunk: Buffer) => logStream?.write(chunk));
  child.stderr.on('data', (chunk: Buffer) => {
    stderrTail.push(...chunk.toString('utf8').split('\n').filter(Boolean));
    stderrTail.splice(0, Math.max(0, stderrTail.length - 40));
    if (logStream) logStream.write(chunk);
    // The server logs a burst of connection warnings while it shuts down; nobody needs those.
    else if (!stopping) process.stderr.write(chunk);
  });

  let exitInfo: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  const exited = new Promise<void>((resolve) => {
    child.once('exit', (code, signal) => {
      exitInfo = { code, signal };
      resolve();
    });
  });
  let spawnError: Error | undefined;
  child.once('error', (err) => {
    spawnError = err;
    exitInfo ??= { code: null, signal: null };
  });
  // If the parent goes away without stopping us, do not leave a server behind.
  const killOnExit = () => {
    if (!exitInfo) child.kill('SIGKILL');
  };
  process.once('exit', killOnExit);

  const stop = async (): Promise<void> => {
    stopping = true;
    process.removeListener('exit', killOnExit);
    await stopChildProcess(child, STOP_TIMEOUT_MS);
    await new Promise<void>((resolve) => (logStream ? logStream.end(resolve) : resolve()));
  };

  const failure = (why: string) =>
    new Error(
      `${why}\n${opts.cliPath} ${devServerArgs({ ...opts, ip }).join(' ')}\n${stderrTail.join('\n')}`,
    );
  try {
    const ready = waitUntilReady(address, opts.namespace, () => exitInfo !== undefined);
    // Fail as soon as the process dies rather than after the current connection attempt.
    const died = new Promise<never>((_, reject) => {
      child.once('error', reject);
      exited.then(() => reject(new Error('exited')), reject);
    });
    let connection: Connection;
    try {
      connection = await Promise.race([ready, died]);
    } catch (err) {
      void ready.then(
        (late) => late.close(),
        () => undefined,
      );
      throw err;
    }
    try {
      await registerSearchAttributes(connection, opts.namespace);
    } finally {
      await connection.close();
    }
  } catch (err) {
    const why = spawnError
      ? `Could not start the Temporal CLI: ${spawnError.message}`
      : exitInfo
        ? `Temporal dev server exited early (${exitInfo.signal ?? `code ${exitInfo.code}`})`
        : (err as Error).message;
    await stop();
    throw failure(why);
  }

  const uiHost = ip === '0.0.0.0' || ip === '::' ? 'localhost' : ip.includes(':') ? `[${ip}]` : ip;
  return { address, uiUrl: opts.headless ? null : `http://${uiHost}:${opts.uiPort}`, stop, process: child };
}
