/**
 * Finding and building the Go programs the project runs beside itself (the Temporal CLI, Versity
 * Gateway): on PATH, in a per-project cache, or `go install`ed at a pinned version into that cache.
 */
import { execFile, spawn } from 'node:child_process';
import fs from 'node:fs';
import { promisify } from 'node:util';
import { findOnPath, isExecutable } from './find-executable';

export { findOnPath, isExecutable };

const execFileAsync = promisify(execFile);

export const exeSuffix = process.platform === 'win32' ? '.exe' : '';

/**
 * Builds from source often report a development version, so the module version Go embedded in the
 * binary tells whether a cached build still matches the pin. Undefined when Go cannot tell.
 */
export async function goBuiltModuleVersion(
  go: string,
  binary: string,
  module: string,
): Promise<string | undefined> {
  try {
    const { stdout } = await execFileAsync(go, ['version', '-m', binary], { timeout: 30_000 });
    const line = stdout.split('\n').find((l) => l.trim().startsWith('mod\t') && l.includes(module));
    return line?.trim().split(/\s+/)[2];
  } catch {
    return undefined;
  }
}

export interface GoInstallOptions {
  go: string;
  /** What is built, for the log: "the Temporal CLI". */
  label: string;
  /** `module/cmd/name@version` */
  target: string;
  /** GOBIN: the project's cache directory. */
  binDir: string;
  log: (msg: string) => void;
}

/** `go install -v <target>` into binDir, with a progress line every 15 s; stopped with the parent. */
export async function goInstall(opts: GoInstallOptions): Promise<void> {
  const { go, label, target, binDir, log } = opts;
  fs.mkdirSync(binDir, { recursive: true });
  log(`Building ${label}: go install ${target} (GOBIN=${binDir})`);
  log('This takes minutes the first time; later runs reuse the Go module and build caches.');
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
  log(`Built ${label} in ${Math.round((Date.now() - started) / 1000)} s`);
}
