import { execFile, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { findOnPath, isExecutable } from './find-executable';

const execFileAsync = promisify(execFile);

/** The one Temporal CLI version this project builds, downloads and tests against. */
export const TEMPORAL_CLI_VERSION = 'v1.5.1';
const CLI_MODULE = 'github.com/temporalio/cli';

export type TemporalCliSource = 'explicit' | 'path' | 'cache' | 'go-install' | 'sdk-download';

export interface TemporalCli {
  path: string;
  source: TemporalCliSource;
}

export interface FindTemporalCliOptions {
  /** TEMPORAL_CLI_PATH from config: used as is, an error if it does not run. */
  explicitPath?: string;
  /** Repository root; builds and downloads are cached under `<projectDir>/.temporal`. */
  projectDir: string;
  log?: (msg: string) => void;
}

const exeSuffix = process.platform === 'win32' ? '.exe' : '';

export function cachedCliPath(projectDir: string): string {
  return path.join(projectDir, '.temporal', 'bin', `temporal${exeSuffix}`);
}

function sdkDownloadDir(projectDir: string): string {
  return path.join(projectDir, '.temporal', 'download');
}

/** Runs `temporal --version`; throws when the binary does not start. */
async function cliVersion(cliPath: string): Promise<string> {
  const { stdout } = await execFileAsync(cliPath, ['--version'], { timeout: 60_000 });
  return stdout.trim();
}

async function tryCli(cliPath: string, log: (msg: string) => void): Promise<string | undefined> {
  try {
    return await cliVersion(cliPath);
  } catch (err) {
    log(`${cliPath} does not run (${(err as Error).message.split('\n')[0]}); skipping it`);
    return undefined;
  }
}

/**
 * Builds from source report "0.0.0-DEV" from `--version`, so the module version Go embedded in
 * the binary tells whether the cache still matches the pin. Undefined when Go cannot tell.
 */
async function goBuiltModuleVersion(go: string, cliPath: string): Promise<string | undefined> {
  try {
    const { stdout } = await execFileAsync(go, ['version', '-m', cliPath], { timeout: 30_000 });
    const line = stdout.split('\n').find((l) => l.trim().startsWith('mod\t') && l.includes(CLI_MODULE));
    return line?.trim().split(/\s+/)[2];
  } catch {
    return undefined;
  }
}

async function goInstall(go: string, projectDir: string, log: (msg: string) => void): Promise<string> {
  const binDir = path.dirname(cachedCliPath(projectDir));
  fs.mkdirSync(binDir, { recursive: true });
  const target = `${CLI_MODULE}/cmd/temporal@${TEMPORAL_CLI_VERSION}`;
  log(`Building the Temporal CLI: go install ${target} (GOBIN=${binDir})`);
  log('This takes several minutes the first time; later runs reuse the Go module and build caches.');
  const started = Date.now();
  await new Promise<void>((resolve, reject) => {
    const child = spawn(go, ['install', '-v', target], {
      env: { ...process.env, GOBIN: binDir },
      stdio: ['ignore', 'pipe', 'pipe'],
      // Own process group, so stopping the build also stops the compile and link steps it runs.
      detached: process.platform !== 'win32',
    });
    const tail: string[] = [];
    let packages = 0;
    let downloads = 0;
    let lastPackage = '';
    // `-v` prints one line per compiled package (hundreds); summarise those, pass anything else on.
    const onLine = (line: string) => {
      if (!line.trim()) return;
      tail.push(line);
      if (tail.length > 30) tail.shift();
      if (line.startsWith('go: downloading ')) downloads++;
      else if (/^[\w.~/-]+$/.test(line)) {
        packages++;
        lastPackage = line;
      } else log(`  go: ${line}`);
    };
    let pending = '';
    const onData = (chunk: Buffer) => {
      const lines = (pending + chunk.toString('utf8')).split('\n');
      pending = lines.pop() ?? '';
      lines.forEach(onLine);
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    const progress = setInterval(() => {
      const seconds = Math.round((Date.now() - started) / 1000);
      const what = packages
        ? `${packages} packages compiled (${lastPackage})`
        : `${downloads} modules downloaded`;
      log(`  still building after ${seconds} s: ${what}`);
    }, 15_000);
    const killOnExit = () => {
      try {
        if (child.pid && process.platform !== 'win32') process.kill(-child.pid, 'SIGTERM');
        else child.kill('SIGTERM');
      } catch {
        // already gone
      }
    };
    process.once('exit', killOnExit);
    child.on('error', (err) => {
      process.removeListener('exit', killOnExit);
      clearInterval(progress);
      reject(err);
    });
    child.on('close', (code, signal) => {
      process.removeListener('exit', killOnExit);
      clearInterval(progress);
      onLine(pending);
      if (code === 0) resolve();
      else reject(new Error(`go install exited with ${signal ?? code}:\n${tail.join('\n')}`));
    });
  });
  log(`Built the Temporal CLI in ${Math.round((Date.now() - started) / 1000)} s`);
  return cachedCliPath(projectDir);
}

/** A binary the SDK left in downloadDir by an earlier run (named `temporal-cli-<version>`). */
function downloadedCli(downloadDir: string): string | undefined {
  if (!fs.existsSync(downloadDir)) return undefined;
  return fs
    .readdirSync(downloadDir)
    .filter((name) => name.startsWith('temporal-cli-') && !name.endsWith('.downloading'))
    .map((name) => path.join(downloadDir, name))
    .filter(isExecutable)
    .sort((a, b) => fs.statSync(b).mtimeMs - fs.statSync(a).mtimeMs)[0];
}

/**
 * Lets the TypeScript SDK download the CLI (it needs temporal.download on the internet). The SDK
 * only downloads as part of starting a server, so start one, tear it down and keep the binary.
 */
async function sdkDownload(projectDir: string, log: (msg: string) => void): Promise<string> {
  const downloadDir = sdkDownloadDir(projectDir);
  const existing = downloadedCli(downloadDir);
  if (existing) return existing;
  fs.mkdirSync(downloadDir, { recursive: true });
  const { TestWorkflowEnvironment } = await import('@temporalio/testing');
  const errors: string[] = [];
  // Our pin first; the SDK's own default if temporal.download does not know that version name.
  for (const version of [TEMPORAL_CLI_VERSION, 'default']) {
    log(`Downloading the Temporal CLI (${version}) through @temporalio/testing into ${downloadDir}`);
    try {
      const env = await TestWorkflowEnvironment.createLocal({
        server: { executable: { type: 'cached-download', downloadDir, version } },
      });
      await env.teardown();
      const downloaded = downloadedCli(downloadDir);
      if (downloaded) return downloaded;
      errors.push(`${version}: the SDK started a server but left no temporal-cli-* in ${downloadDir}`);
    } catch (err) {
      errors.push(`${version}: ${(err as Error).message}`);
    }
  }
  throw new Error(`SDK download failed: ${errors.join('; ')}`);
}

/**
 * Finds a Temporal CLI that runs, in order: TEMPORAL_CLI_PATH, `temporal` on PATH, the cached
 * `go install` build, a fresh `go install`, the TypeScript SDK's download.
 */
export async function findTemporalCli(opts: FindTemporalCliOptions): Promise<TemporalCli> {
  const log = opts.log ?? ((msg: string) => console.error(`[temporal-cli] ${msg}`));
  const found = (cliPath: string, source: TemporalCliSource, version: string): TemporalCli => {
    log(`Using ${cliPath} (${source}): ${version}`);
    return { path: cliPath, source };
  };

  if (opts.explicitPath) {
    const explicit = path.resolve(opts.explicitPath);
    if (!isExecutable(explicit)) {
      throw new Error(`TEMPORAL_CLI_PATH=${opts.explicitPath} does not exist or is not executable`);
    }
    let version: string;
    try {
      version = await cliVersion(explicit);
    } catch (err) {
      throw new Error(`TEMPORAL_CLI_PATH=${opts.explicitPath} does not run: ${(err as Error).message}`);
    }
    return found(explicit, 'explicit', version);
  }

  const onPath = findOnPath('temporal');
  if (onPath) {
    const version = await tryCli(onPath, log);
    if (version) return found(onPath, 'path', version);
  }

  const go = findOnPath('go');
  const cached = cachedCliPath(opts.projectDir);
  if (isExecutable(cached)) {
    const version = await tryCli(cached, log);
    const built = go ? await goBuiltModuleVersion(go, cached) : undefined;
    if (version && built && built !== TEMPORAL_CLI_VERSION) {
      log(`Cached build is ${built}, the pin is ${TEMPORAL_CLI_VERSION}; rebuilding`);
    } else if (version) {
      return found(cached, 'cache', version);
    }
  }

  const failures: string[] = [];
  if (go) {
    try {
      const built = await goInstall(go, opts.projectDir, log);
      return found(built, 'go-install', await cliVersion(built));
    } catch (err) {
      failures.push(`go install: ${(err as Error).message}`);
      log(failures[failures.length - 1]);
    }
  } else {
    failures.push('go is not on PATH, so the CLI cannot be built from source');
  }

  try {
    const downloaded = await sdkDownload(opts.projectDir, log);
    return found(downloaded, 'sdk-download', await cliVersion(downloaded));
  } catch (err) {
    failures.push((err as Error).message);
  }

  throw new Error(
    `No Temporal CLI found. Install Temporal CLI ${TEMPORAL_CLI_VERSION} (https://docs.temporal.io/cli) ` +
      `and put it on PATH, set TEMPORAL_CLI_PATH, or install Go so it can be built.\n` +
      failures.map((f) => `  - ${f}`).join('\n'),
  );
}
