import type { ChildProcess } from 'node:child_process';

/**
 * Stops a child process and resolves once it has exited: SIGTERM first, so it can shut down in
 * order, then SIGKILL if it is still running after `timeoutMs` (`onTimeout` runs just before).
 */
export async function stopChildProcess(
  child: ChildProcess | undefined,
  timeoutMs: number,
  onTimeout?: () => void,
): Promise<void> {
  // Never started (spawn failed), or already gone: nothing will emit 'exit' any more.
  if (!child || child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => {
    onTimeout?.();
    child.kill('SIGKILL');
  }, timeoutMs);
  await exited;
  clearTimeout(timer);
}
