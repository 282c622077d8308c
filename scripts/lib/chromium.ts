/**
 * Finds the Chromium the portal's end-to-end tests drive, the way temporal-cli.ts finds the
 * Temporal CLI: CHROMIUM_PATH, then PATH, then Debian's `chromium` package installed with apt-get
 * (only when running as root). Where none of these works, the error says what to do.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { findOnPath, isExecutable } from './find-executable';

/** Names Chromium (or Chrome, which drives the same) goes by on PATH. */
const CHROMIUM_NAMES = ['chromium', 'chromium-browser', 'google-chrome'];
const NEEDED = "The portal's end-to-end tests (test/e2e) need Chromium";

/** What the decision needs to know about the machine. */
export interface ChromiumFacts {
  /** CHROMIUM_PATH, when set, and whether it is an executable file. */
  explicit?: { path: string; executable: boolean };
  /** The first Chromium found on PATH. */
  onPath?: string;
  isRoot: boolean;
  /** apt-get on PATH, when there is one. */
  aptGet?: string;
}

export type ChromiumPlan =
  | { action: 'use'; path: string; source: 'CHROMIUM_PATH' | 'PATH' }
  | { action: 'install'; commands: string[][] }
  | { action: 'fail'; message: string };

export function chromiumPlan(facts: ChromiumFacts): ChromiumPlan {
  if (facts.explicit) {
    if (facts.explicit.executable)
      return { action: 'use', path: facts.explicit.path, source: 'CHROMIUM_PATH' };
    return {
      action: 'fail',
      message:
        `CHROMIUM_PATH=${facts.explicit.path} does not exist or is not executable. Point it at a ` +
        'Chromium or Chrome binary, or unset it to use chromium from PATH.',
    };
  }
  if (facts.onPath) return { action: 'use', path: facts.onPath, source: 'PATH' };
  if (facts.aptGet && facts.isRoot) {
    return {
      action: 'install',
      commands: [
        [facts.aptGet, 'update'],
        [facts.aptGet, 'install', '-y', 'chromium'],
      ],
    };
  }
  const notFound = `${NEEDED}, and none was found (CHROMIUM_PATH is not set, no ${CHROMIUM_NAMES.join(' or ')} on PATH)`;
  if (facts.aptGet) {
    return {
      action: 'fail',
      message:
        `${notFound}; only root can install it here. Run ` +
        '`sudo apt-get update && sudo apt-get install -y chromium`, or set CHROMIUM_PATH to a ' +
        'Chromium or Chrome binary, then run the tests again.',
    };
  }
  return {
    action: 'fail',
    message:
      `${notFound}, and there is no apt-get to install it with. Install Chromium or Google Chrome ` +
      "with this system's package manager and put it on PATH, or set CHROMIUM_PATH to its binary, " +
      'then run the tests again.',
  };
}

export interface EnsureChromiumOptions {
  /** CHROMIUM_PATH: used as is, an error if it is not executable. */
  explicitPath?: string;
  /** Where to look for chromium and apt-get; PATH by default. */
  searchPath?: string;
  isRoot?: boolean;
  /** Runs one install command to the end, rejecting when it fails; inherits our terminal by default. */
  run?: (command: string[]) => Promise<void>;
  log?: (message: string) => void;
}

function chromiumOnPath(searchPath: string | undefined): string | undefined {
  for (const name of CHROMIUM_NAMES) {
    const found = findOnPath(name, searchPath);
    if (found) return found;
  }
  return undefined;
}

function runInTerminal([command, ...args]: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      stdio: ['ignore', 'inherit', 'inherit'],
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    });
    child.once('error', reject);
    child.once('exit', (code, signal) =>
      code === 0
        ? resolve()
        : reject(new Error(`${command} ${args.join(' ')} exited with ${signal ?? code}`)),
    );
  });
}

/** The path of a Chromium to drive, installing Debian's package first where that is needed and allowed. */
export async function ensureChromium(opts: EnsureChromiumOptions = {}): Promise<string> {
  const log = opts.log ?? ((message: string) => console.error(`[chromium] ${message}`));
  const explicit = opts.explicitPath ? path.resolve(opts.explicitPath) : undefined;
  const plan = chromiumPlan({
    explicit: explicit ? { path: explicit, executable: isExecutable(explicit) } : undefined,
    onPath: chromiumOnPath(opts.searchPath),
    isRoot: opts.isRoot ?? process.getuid?.() === 0,
    aptGet: findOnPath('apt-get', opts.searchPath),
  });
  if (plan.action === 'fail') throw new Error(plan.message);
  if (plan.action === 'use') {
    log(`Using ${plan.path} (${plan.source})`);
    return plan.path;
  }

  log(`${NEEDED}; installing Debian's chromium package (a few minutes the first time)`);
  const run = opts.run ?? runInTerminal;
  for (const command of plan.commands) {
    try {
      await run(command);
    } catch (err) {
      throw new Error(
        `${NEEDED}: installing it failed (${(err as Error).message}). Install it yourself with ` +
          '`apt-get install -y chromium`, or set CHROMIUM_PATH to a Chromium or Chrome binary.',
      );
    }
  }
  const installed = chromiumOnPath(opts.searchPath);
  if (!installed) {
    throw new Error(
      `${NEEDED}: apt-get installed the chromium package, but no chromium is on PATH. ` +
        'Set CHROMIUM_PATH to its binary (usually /usr/bin/chromium).',
    );
  }
  log(`Installed ${installed}`);
  return installed;
}
