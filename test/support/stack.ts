/**
 * Starts the service's real processes for an integration test or the benchmark: the worker and
 * the API from the compiled `dist/` (as `npm start` runs them), against the run's Temporal dev
 * server, with their own DATA_DIR (SQLite file, artifact store, outbox), database and task queues
 * so test files never share state. The test process opens the same database to seed fixtures.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Client, Connection } from '@temporalio/client';
import { stopChildProcess } from '../../scripts/lib/child-process';
import { loadConfig } from '../../src/config';
import { freePort } from '../../src/free-port';
import { openStore, repositories, type Store } from '../../src/store';
import { Fixtures } from './fixtures';
import { createTestDatabase, dropTestDatabase, giveWorkordersTheirOwnIds } from './test-database';

/** The compiled service: dist/src, which sits beside this file's own compiled copy in the benchmark. */
const COMPILED = path.resolve(__dirname, __filename.endsWith('.js') ? '../../src' : '../../dist/src');
const ROOT = path.resolve(COMPILED, '../..');
/** Time a worker gets to hand back its activities when stopped. */
const STOP_TIMEOUT_MS = 15_000;
/** Output chunks kept per stack, for waiting on a line and for failure messages. */
const KEPT_OUTPUT = 2_000;

export interface StackOptions {
  env?: Record<string, string>;
  /** Temporal address; defaults to the run's dev server. */
  temporalAddress?: string;
}

export class Stack {
  /** The processes' latest output chunks, each prefixed with `[worker] ` or `[api] `. */
  readonly logs: string[] = [];
  /** Output chunks seen so far, including those no longer kept. */
  private outputCount = 0;
  private worker?: ChildProcess;
  private api?: ChildProcess;
  /** API processes beside the first, on the same database (startReplica). */
  private replicas: ChildProcess[] = [];

  private constructor(
    readonly dataDir: string,
    readonly env: Record<string, string>,
    readonly baseUrl: string,
    readonly store: Store,
    readonly fixtures: Fixtures,
  ) {}

  static async create(opts: StackOptions = {}): Promise<Stack> {
    const address = opts.temporalAddress ?? process.env.TEMPORAL_TEST_ADDRESS;
    if (!address) throw new Error('TEMPORAL_TEST_ADDRESS is not set: run through jest (globalSetup)');
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'workorder-stack-'));
    const port = await freePort();
    const baseUrl = `http://127.0.0.1:${port}`;
    const suffix = randomBytes(4).toString('hex');
    const database = await createTestDatabase(`workorders_${suffix}`);
    const env = {
      DATA_DIR: dataDir,
      PORT: String(port),
      HOST: '127.0.0.1',
      PUBLIC_URL: baseUrl,
      TEMPORAL_ADDRESS: address,
      TASK_QUEUE: `workorders-${suffix}`,
      CODEGEN_TASK_QUEUE: `workorders-codegen-${suffix}`,
      LOG_LEVEL: 'warn',
      WORKER_METRICS_PORT: '0',
      API_METRICS_PORT: '0',
      ...(database ? { DATABASE_URL: database } : {}),
      ...opts.env,
    };
    const store = await openStore(loadConfig(env).databaseUrl);
    // Only stacks of a jest run share a Temporal server (the benchmark has one of its own).
    const runDir = process.env.WORKORDER_TEST_RUN_DIR;
    if (runDir) await giveWorkordersTheirOwnIds(store, runDir);
    return new Stack(dataDir, env, baseUrl, store, new Fixtures(repositories(store), baseUrl));
  }

  private spawn(name: string, script: string, env: Record<string, string> = {}): ChildProcess {
    const child = spawn(process.execPath, [path.join(COMPILED, script)], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...this.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const keep = (chunk: Buffer) => {
      this.logs.push(`[${name}] ${chunk.toString()}`);
      this.outputCount++;
      if (this.logs.length > KEPT_OUTPUT) this.logs.splice(0, KEPT_OUTPUT / 2);
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    return child;
  }

  async startWorker(): Promise<ChildProcess> {
    const since = this.outputCount;
    this.worker = this.spawn('worker', 'worker.js');
    await this.waitForLog('worker: polling', 60_000, since);
    return this.worker;
  }

  async startApi(): Promise<ChildProcess> {
    const since = this.outputCount;
    this.api = this.spawn('api', 'api/server.js');
    await this.waitForLog('api: listening', 60_000, since);
    return this.api;
  }

  /**
   * Another API process on the same database, Temporal and artifact store, on a port of its own
   * (as a second replica behind a load balancer); returns its base URL. stop() stops it too.
   */
  async startReplica(): Promise<string> {
    const since = this.outputCount;
    const port = await freePort();
    const baseUrl = `http://127.0.0.1:${port}`;
    this.replicas.push(
      this.spawn(`api-${this.replicas.length + 2}`, 'api/server.js', { PORT: String(port) }),
    );
    await this.waitForLog(`api: listening on ${this.env.PUBLIC_URL}`, 60_000, since);
    return baseUrl;
  }

  async start(): Promise<this> {
    await Promise.all([this.startWorker(), this.startApi()]);
    return this;
  }

  /** Stops the worker as an operator would and starts a fresh process (the benchmark's clean slate). */
  async restartWorker(): Promise<ChildProcess> {
    await stopChildProcess(this.worker, STOP_TIMEOUT_MS);
    return this.startWorker();
  }

  /** kill -9: no shutdown, no cleanup, as a crash would leave it. */
  killWorker(): void {
    this.worker?.kill('SIGKILL');
    this.worker = undefined;
  }

  killApi(): void {
    this.api?.kill('SIGKILL');
    this.api = undefined;
  }

  /** Waits until a process writes `text` in output chunk number `since` or later. */
  private async waitForLog(text: string, timeoutMs: number, since: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const fresh = this.logs.slice(Math.max(0, this.logs.length - (this.outputCount - since)));
      if (fresh.some((chunk) => chunk.includes(text))) return;
      await sleep(50);
    }
    throw new Error(`timed out waiting for "${text}"; logs:\n${this.logs.slice(-40).join('')}`);
  }

  /** A Temporal client on the stack's server, for what operators do in the Web UI or CLI. */
  async temporal<T>(use: (client: Client) => Promise<T>): Promise<T> {
    const connection = await Connection.connect({ address: this.env.TEMPORAL_ADDRESS });
    try {
      return await use(new Client({ connection }));
    } finally {
      await connection.close();
    }
  }

  async stop(): Promise<void> {
    await Promise.all([
      stopChildProcess(this.api, STOP_TIMEOUT_MS),
      stopChildProcess(this.worker, STOP_TIMEOUT_MS),
      ...this.replicas.map((replica) => stopChildProcess(replica, STOP_TIMEOUT_MS)),
    ]);
    this.replicas = [];
    this.api = undefined;
    this.worker = undefined;
  }

  async destroy(): Promise<void> {
    await this.stop();
    await this.store.close();
    fs.rmSync(this.dataDir, { recursive: true, force: true });
    if (this.env.DATABASE_URL) await dropTestDatabase(this.env.DATABASE_URL);
  }
}
