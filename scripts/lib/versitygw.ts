/**
 * Versity Gateway (Apache-2.0), an S3 server over a directory: the project's S3 for `npm run s3`
 * and the tests, obtained like the Temporal CLI (./temporal-cli.ts).
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { exeSuffix, findOnPath, goBuiltModuleVersion, goInstall, isExecutable } from './go-install';

const execFileAsync = promisify(execFile);

/** The one Versity Gateway version this project builds and tests against. */
export const VERSITYGW_VERSION = 'v1.8.0';
const MODULE = 'github.com/versity/versitygw';

export function cachedVersityGatewayPath(projectDir: string): string {
  return path.join(projectDir, '.s3', 'bin', `versitygw${exeSuffix}`);
}

async function version(binary: string): Promise<string | undefined> {
  try {
    const { stdout } = await execFileAsync(binary, ['--version'], { timeout: 30_000 });
    return stdout.trim().split('\n')[0];
  } catch {
    return undefined;
  }
}

/**
 * A versitygw that runs, in order: `explicitPath` (VERSITYGW_PATH), `versitygw` on PATH, the
 * project's cached build under .s3/bin, a fresh `go install` at the pinned version into that cache.
 */
export async function findVersityGateway(opts: {
  explicitPath?: string;
  projectDir: string;
  log?: (msg: string) => void;
}): Promise<string> {
  const log = opts.log ?? ((msg: string) => console.error(`[versitygw] ${msg}`));
  if (opts.explicitPath) {
    const explicit = path.resolve(opts.explicitPath);
    if (!isExecutable(explicit) || !(await version(explicit))) {
      throw new Error(`VERSITYGW_PATH=${opts.explicitPath} does not exist or does not run`);
    }
    return explicit;
  }
  const onPath = findOnPath('versitygw');
  if (onPath && (await version(onPath))) return onPath;

  const go = findOnPath('go');
  const cached = cachedVersityGatewayPath(opts.projectDir);
  if (isExecutable(cached) && (await version(cached))) {
    const built = go ? await goBuiltModuleVersion(go, cached, MODULE) : undefined;
    if (!built || built === VERSITYGW_VERSION) return cached;
    log(`Cached build is ${built}, the pin is ${VERSITYGW_VERSION}; rebuilding`);
  }
  if (!go) {
    throw new Error(
      `No Versity Gateway found. Put versitygw ${VERSITYGW_VERSION} on PATH, set VERSITYGW_PATH, ` +
        'or install Go so it can be built.',
    );
  }
  await goInstall({
    go,
    label: 'Versity Gateway',
    target: `${MODULE}/cmd/versitygw@${VERSITYGW_VERSION}`,
    binDir: path.dirname(cached),
    log,
  });
  return cached;
}

export interface VersityGatewayOptions {
  binary: string;
  /** The directory it serves: one subdirectory per bucket. */
  dir: string;
  host: string;
  port: number;
  accessKey: string;
  secretKey: string;
  /** Created at start when missing. */
  bucket: string;
  /** Output goes here (appended); without it, it is dropped. */
  logFile?: string;
}

export interface VersityGateway {
  endpoint: string;
  process: ChildProcess;
  stop(): Promise<void>;
}

const READY_TIMEOUT_MS = 30_000;

/**
 * Starts `versitygw posix <dir>` and resolves once it answers HTTP. The bucket is a directory of
 * the served one, so it is made before the start. A process 'exit' hook kills a server left running.
 */
export async function startVersityGateway(opts: VersityGatewayOptions): Promise<VersityGateway> {
  fs.mkdirSync(path.join(opts.dir, opts.bucket), { recursive: true });
  const output = opts.logFile ? fs.openSync(opts.logFile, 'a') : 'ignore';
  const child = spawn(opts.binary, ['--quiet', '--port', `${opts.host}:${opts.port}`, 'posix', opts.dir], {
    // The root credentials through the environment, so they do not show in `ps`.
    env: { ...process.env, ROOT_ACCESS_KEY_ID: opts.accessKey, ROOT_SECRET_ACCESS_KEY: opts.secretKey },
    stdio: ['ignore', output, output],
  });
  if (typeof output === 'number') fs.closeSync(output);
  let exited = false;
  const gone = new Promise<void>((resolve) =>
    child.once('exit', () => {
      exited = true;
      resolve();
    }),
  );
  child.once('error', () => (exited = true));
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  const stop = async () => {
    process.removeListener('exit', killOnExit);
    if (!exited) {
      child.kill('SIGTERM');
      const force = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await gone;
      clearTimeout(force);
    }
  };

  const host = opts.host === '0.0.0.0' ? '127.0.0.1' : opts.host;
  const endpoint = `http://${host}:${opts.port}`;
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (!exited) {
    // Any HTTP answer (an unsigned request is refused) means it is serving.
    if (
      await fetch(endpoint).then(
        () => true,
        () => false,
      )
    )
      return { endpoint, process: child, stop };
    if (Date.now() > deadline) break;
    await sleep(100);
  }
  await stop();
  throw new Error(
    `versitygw did not start on ${opts.host}:${opts.port}` + (opts.logFile ? ` (see ${opts.logFile})` : ''),
  );
}
