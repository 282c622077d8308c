/**
 * Jest globalSetup of the projects that need Temporal: one dev server for the whole run (shared
 * when several projects run). Tests run in band and see its address through process.env.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { IllegalStateError } from '@temporalio/common';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Runtime } from '@temporalio/worker';
import { startTestTemporal } from './temporal-server';

interface TestRun {
  temporal: TestWorkflowEnvironment;
  dir: string;
}

const globalKey = '__workorderTestRun';
const holder = globalThis as Record<string, unknown>;

export function takeTestRun(): TestRun | undefined {
  const found = holder[globalKey] as TestRun | undefined;
  delete holder[globalKey];
  return found;
}

/** The SDK's runtime would otherwise take over Ctrl-C in jest's own process (the first one is lost). */
function installQuietRuntime(): void {
  try {
    Runtime.install({ shutdownSignals: [] });
  } catch (err) {
    // Installed by an earlier run in this process (jest --watch).
    if (!(err instanceof IllegalStateError)) throw err;
  }
}

export default async function globalSetup(): Promise<void> {
  if (holder[globalKey]) return;
  installQuietRuntime();
  const temporal = await startTestTemporal();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'workorder-test-run-'));
  holder[globalKey] = { temporal, dir } satisfies TestRun;
  process.env.TEMPORAL_TEST_ADDRESS = temporal.address;
  process.env.TEMPORAL_TEST_NAMESPACE = 'default';
  // Test stacks number themselves through a file here (see test/support/stack.ts).
  process.env.WORKORDER_TEST_RUN_DIR = dir;
}
