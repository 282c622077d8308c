/** Jest globalTeardown: stops the run's dev server and removes the run's directory. */
import fs from 'node:fs';
import { takeTestRun } from './global-setup';

export default async function globalTeardown(): Promise<void> {
  const run = takeTestRun();
  if (!run) return;
  try {
    await run.temporal.teardown();
  } finally {
    fs.rmSync(run.dir, { recursive: true, force: true });
  }
}
