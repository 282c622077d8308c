/**
 * The embedded stack for the benchmark: a Temporal dev server, and the worker and API processes
 * from dist/ (as `npm start` and test/support/stack.ts run them). One stack for the whole run, since
 * workflow ids come from the database's workorder ids; each workorder gets a fresh worker process so
 * its VmHWM is that order's peak.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startThrowawayDevServer, type DevServer } from '../scripts/lib/dev-server';
import { findTemporalCli } from '../scripts/lib/temporal-cli';
import { freePort } from '../src/free-port';

const ROOT = path.resolve(__dirname, '../..');
const DIST = path.join(ROOT, 'dist/src');

export async function startTemporal(): Promise<{ server: DevServer; dir: string }> {
  const cli = await findTemporalCli({ explicitPath: process.env.TEMPORAL_CLI_PATH, projectDir: ROOT });
  return startThrowawayDevServer(cli.path, 'bench-temporal-');
}

export class BenchStack {
  readonly dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-stack-'));
  readonly env: Record<string, string>;
  readonly baseUrl: string;
  worker?: ChildProcess;
  private api?: ChildProcess;
  private readonly logs: string[] = [];

  constructor(temporalAddress: string, port: number, suffix: string) {
    this.baseUrl = `http://127.0.0.1:${port}`;
    this.env = {
      DATA_DIR: this.dataDir,
      PORT: String(port),
      HOST: '127.0.0.1',
      PUBLIC_URL: this.baseUrl,
      TEMPORAL_ADDRESS: temporalAddress,
      TASK_QUEUE: `bench-${suffix}`,
      CODEGEN_TASK_QUEUE: `bench-codegen-${suffix}`,
      LOG_LEVEL: 'warn',
      // The per-token policy limit would cap the load test, which measures capacity.
      THROTTLE_PER_MINUTE: '100000000',
    };
  }

  static async start(temporalAddress: string, suffix: string): Promise<BenchStack> {
    const stack = new BenchStack(temporalAddress, await freePort(), suffix);
    stack.worker = stack.spawn('worker', 'worker.js');
    stack.api = stack.spawn('api', 'api/server.js');
    await stack.waitForLog('worker: polling', 60_000);
    await stack.waitForLog('api: listening', 30_000);
    return stack;
  }

  private spawn(name: string, script: string): ChildProcess {
    const child = spawn(process.execPath, [path.join(DIST, script)], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...this.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const keep = (chunk: Buffer) => {
      this.logs.push(`[${name} ${new Date().toISOString()}] ${chunk.toString()}`);
      if (this.logs.length > 400) this.logs.splice(0, 200);
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    return child;
  }

  private async waitForLog(text: string, timeoutMs: number, after = ''): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (this.logs.some((l) => l.includes(text) && l > after)) return;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`timed out waiting for "${text}":\n${this.logs.slice(-20).join('')}`);
  }

  /** A fresh worker process (workorder ids, the database and the API stay), so VmHWM starts anew. */
  async restartWorker(): Promise<void> {
    await stopProcess(this.worker);
    const after = `[worker ${new Date().toISOString()}]`;
    this.worker = this.spawn('worker', 'worker.js');
    await this.waitForLog('worker: polling', 60_000, after);
  }

  /** The worker's peak resident set so far (VmHWM), in MiB. */
  workerPeakRssMiB(): number {
    const status = fs.readFileSync(`/proc/${this.worker?.pid}/status`, 'utf8');
    const kb = Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1]);
    return kb / 1024;
  }

  admin(...args: string[]): Record<string, unknown> {
    const result = spawnSync(process.execPath, [path.join(DIST, 'cli/admin.js'), ...args], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', ...this.env },
      encoding: 'utf8',
    });
    if (result.status !== 0) throw new Error(`admin ${args.join(' ')}: ${result.stderr}`);
    return JSON.parse(result.stdout) as Record<string, unknown>;
  }

  /** A brand with an all-permission token and a SID template. */
  brandWithTemplate(): { token: string; templateId: number } {
    const company = this.admin('company', 'create', '--name', 'Bench Brand', '--type', 'brand_owner');
    const token = this.admin(
      'token',
      'create',
      '--company',
      String(company.id),
      '--permissions',
      'workorder_view,workorder_create,workorder_edit,workorder_cancel,workorder_archive,workorder_download',
    );
    const template = this.admin(
      'template',
      'create',
      '--company',
      String(company.id),
      '--name',
      'T',
      '--type',
      'SID',
    );
    return { token: token.token as string, templateId: template.id as number };
  }

  async stop(): Promise<void> {
    await Promise.all([stopProcess(this.api), stopProcess(this.worker)]);
    fs.rmSync(this.dataDir, { recursive: true, force: true });
  }
}

async function stopProcess(child: ChildProcess | undefined): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
  await exited;
  clearTimeout(timer);
}
