/**
 * Starts the service's real processes for an integration test: the worker and the API from the
 * compiled `dist/` (as `npm start` runs them), against the run's Temporal dev server, with their own
 * DATA_DIR (SQLite file, artifact store, outbox) and task queues so test files never share state.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import pg from 'pg';
import { loadConfig } from '../../src/config';
import { openStore } from '../../src/store';
import { freePort } from '../../src/free-port';

export { freePort };

const ROOT = path.resolve(__dirname, '../..');
const DIST = path.join(ROOT, 'dist/src');

export interface StackOptions {
  env?: Record<string, string>;
  /** Temporal address; defaults to the run's dev server. */
  temporalAddress?: string;
}

export class Stack {
  readonly dataDir: string;
  readonly env: Record<string, string>;
  readonly baseUrl: string;
  private worker?: ChildProcess;
  private api?: ChildProcess;
  readonly logs: string[] = [];

  private constructor(dataDir: string, env: Record<string, string>, port: number) {
    this.dataDir = dataDir;
    this.env = env;
    this.baseUrl = `http://127.0.0.1:${port}`;
  }

  static async create(opts: StackOptions = {}): Promise<Stack> {
    const address = opts.temporalAddress ?? process.env.TEMPORAL_TEST_ADDRESS;
    if (!address) throw new Error('TEMPORAL_TEST_ADDRESS is not set: run through jest (globalSetup)');
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'workorder-stack-'));
    const port = await freePort();
    const suffix = randomBytes(4).toString('hex');
    const database = await createTestDatabase(`workorders_${suffix}`);
    const env = {
      DATA_DIR: dataDir,
      PORT: String(port),
      HOST: '127.0.0.1',
      PUBLIC_URL: `http://127.0.0.1:${port}`,
      TEMPORAL_ADDRESS: address,
      TASK_QUEUE: `workorders-${suffix}`,
      CODEGEN_TASK_QUEUE: `workorders-codegen-${suffix}`,
      LOG_LEVEL: 'warn',
      WORKER_METRICS_PORT: '0',
      ...(database ? { DATABASE_URL: database } : {}),
      ...opts.env,
    };
    await giveWorkordersTheirOwnIds(env);
    return new Stack(dataDir, env, port);
  }

  private spawn(name: string, script: string): ChildProcess {
    const child = spawn(process.execPath, [path.join(DIST, script)], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...this.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const keep = (chunk: Buffer) => {
      this.logs.push(`[${name}] ${chunk.toString()}`);
      if (this.logs.length > 2000) this.logs.splice(0, 1000);
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    return child;
  }

  async startWorker(): Promise<ChildProcess> {
    this.worker = this.spawn('worker', 'worker.js');
    await this.waitForLog('worker: polling', 60_000);
    return this.worker;
  }

  async startApi(): Promise<ChildProcess> {
    this.api = this.spawn('api', 'api/server.js');
    await this.waitForLog('api: listening', 30_000);
    return this.api;
  }

  async start(): Promise<this> {
    await Promise.all([this.startWorker(), this.startApi()]);
    return this;
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

  async waitForLog(text: string, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    const seen = this.logs.length;
    while (Date.now() < deadline) {
      if (this.logs.slice(Math.max(0, seen - 50)).some((l) => l.includes(text))) return;
      await sleep(50);
    }
    throw new Error(`timed out waiting for "${text}"; logs:\n${this.logs.slice(-40).join('')}`);
  }

  /** Runs the operator CLI against this stack's DATA_DIR; returns its parsed JSON output. */
  admin(...args: string[]): Record<string, unknown> {
    const result = spawnSync(process.execPath, [path.join(DIST, 'cli/admin.js'), ...args], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', ...this.env },
      encoding: 'utf8',
    });
    if (result.status !== 0)
      throw new Error(`admin ${args.join(' ')} failed (${result.status}): ${result.stderr}`);
    return JSON.parse(result.stdout) as Record<string, unknown>;
  }

  /** A SID template of the company, made with the operator CLI (extra `template create` flags after the name). */
  sidTemplate(companyId: unknown, name = 'SID', ...flags: string[]): Record<string, unknown> {
    return this.admin(
      'template',
      'create',
      '--company',
      String(companyId),
      '--name',
      name,
      '--type',
      'SID',
      ...flags,
    );
  }

  adminRaw(...args: string[]) {
    return spawnSync(process.execPath, [path.join(DIST, 'cli/admin.js'), ...args], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', ...this.env },
      encoding: 'utf8',
    });
  }

  async stop(): Promise<void> {
    const stopOne = async (child: ChildProcess | undefined) => {
      if (!child || child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(timer);
    };
    await Promise.all([stopOne(this.api), stopOne(this.worker)]);
    this.api = undefined;
    this.worker = undefined;
  }

  async destroy(): Promise<void> {
    await this.stop();
    fs.rmSync(this.dataDir, { recursive: true, force: true });
    if (this.env.DATABASE_URL?.startsWith('postgres')) await dropTestDatabase(this.env.DATABASE_URL);
  }

  /** A brand company with a token holding `permissions` (all workorder ones by default). */
  brand(name = `Brand ${randomBytes(3).toString('hex')}`, permissions = ALL_WORKORDER_PERMISSIONS) {
    const company = this.admin('company', 'create', '--name', name, '--type', 'brand_owner');
    const token = this.admin(
      'token',
      'create',
      '--company',
      String(company.id),
      '--permissions',
      permissions.join(','),
    );
    return {
      company,
      token: token.token as string,
      client: new ApiClient(this.baseUrl, token.token as string),
    };
  }
}

/**
 * Every stack has its own database but all share the run's Temporal server, where workflow ids are
 * `workorder-<id>`: each stack's workorder ids therefore start in a range of 100,000 of their own.
 * Stacks are numbered through a file of the run (jest gives every test file fresh modules, so a
 * module counter would restart), and ranges stay under 2^31 for PostgreSQL's serial ids.
 */
function nextStackNumber(): number {
  const runDir = process.env.WORKORDER_TEST_RUN_DIR ?? os.tmpdir();
  const counter = path.join(runDir, 'stacks');
  fs.appendFileSync(counter, '.');
  return fs.statSync(counter).size;
}

async function giveWorkordersTheirOwnIds(env: Record<string, string>): Promise<void> {
  const start = (nextStackNumber() % 20_000) * 100_000;
  const store = await openStore(loadConfig(env).databaseUrl);
  try {
    if (store.dialect === 'postgres') {
      await sql`select setval('workorders_id_seq', ${start})`.execute(store.db);
    } else {
      await sql`delete from sqlite_sequence where name = 'workorders'`.execute(store.db);
      await sql`insert into sqlite_sequence (name, seq) values ('workorders', ${start})`.execute(store.db);
    }
  } finally {
    await store.close();
  }
}

/**
 * With TEST_DATABASE_URL (a PostgreSQL server URL) set, each stack gets its own fresh database on
 * that server; without it, each stack has its SQLite file in its DATA_DIR.
 */
async function createTestDatabase(name: string): Promise<string | undefined> {
  const server = process.env.TEST_DATABASE_URL;
  if (!server) return undefined;
  const admin = new pg.Client({ connectionString: server });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(server);
  url.pathname = `/${name}`;
  return url.toString();
}

async function dropTestDatabase(databaseUrl: string): Promise<void> {
  const server = process.env.TEST_DATABASE_URL;
  if (!server) return;
  const name = new URL(databaseUrl).pathname.slice(1);
  const admin = new pg.Client({ connectionString: server });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  } finally {
    await admin.end();
  }
}

export const ALL_WORKORDER_PERMISSIONS = [
  'workorder_view',
  'workorder_create',
  'workorder_edit',
  'workorder_cancel',
  'workorder_archive',
  'workorder_download',
];

export interface ApiResponse<T = Record<string, unknown>> {
  status: number;
  headers: Headers;
  body: T;
  text: string;
}

/** A thin HTTP client speaking the API as brand systems do: `Authorization: UAT <token>`. */
export class ApiClient {
  constructor(
    readonly baseUrl: string,
    readonly token: string | null,
  ) {}

  async request<T = Record<string, unknown>>(
    method: string,
    urlPath: string,
    opts: { json?: unknown; body?: string | Buffer; headers?: Record<string, string> } = {},
  ): Promise<ApiResponse<T>> {
    const headers: Record<string, string> = { ...(opts.headers ?? {}) };
    if (this.token !== null && !('Authorization' in headers)) headers.Authorization = `UAT ${this.token}`;
    let body: string | Buffer | undefined = opts.body;
    if (opts.json !== undefined) {
      body = JSON.stringify(opts.json);
      headers['Content-Type'] ??= 'application/json';
    }
    const url = urlPath.startsWith('http') ? urlPath : `${this.baseUrl}${urlPath}`;
    const res = await fetch(url, { method, headers, body });
    const text = await res.text();
    let parsed: unknown = undefined;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      parsed = undefined;
    }
    return { status: res.status, headers: res.headers, body: parsed as T, text };
  }

  get<T = Record<string, unknown>>(p: string, headers?: Record<string, string>) {
    return this.request<T>('GET', p, { headers });
  }
  post<T = Record<string, unknown>>(p: string, json?: unknown, headers?: Record<string, string>) {
    return this.request<T>('POST', p, { json, headers });
  }
  patch<T = Record<string, unknown>>(p: string, json?: unknown, headers?: Record<string, string>) {
    return this.request<T>('PATCH', p, { json, headers });
  }

  async bytes(
    urlPath: string,
    headers: Record<string, string> = {},
  ): Promise<{ status: number; headers: Headers; data: Buffer }> {
    const h: Record<string, string> = { ...headers };
    if (this.token !== null) h.Authorization = `UAT ${this.token}`;
    const url = urlPath.startsWith('http') ? urlPath : `${this.baseUrl}${urlPath}`;
    const res = await fetch(url, { headers: h });
    return { status: res.status, headers: res.headers, data: Buffer.from(await res.arrayBuffer()) };
  }

  /** Polls the workorder until `done` holds, or fails after `timeoutMs`. */
  async waitFor(
    id: number,
    done: (w: Record<string, unknown>) => boolean,
    timeoutMs = 90_000,
  ): Promise<Record<string, unknown>> {
    const deadline = Date.now() + timeoutMs;
    let last: Record<string, unknown> = {};
    while (Date.now() < deadline) {
      const res = await this.get(`/api/v2/workorders/${id}/`);
      if (res.status === 200) {
        last = res.body;
        if (done(last)) return last;
      }
      await sleep(250);
    }
    throw new Error(
      `workorder ${id} did not reach the expected state; last: ${JSON.stringify(last).slice(0, 500)}`,
    );
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
