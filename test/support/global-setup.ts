/**
 * Jest globalSetup: one headless Temporal dev server on free ports with a throwaway database for
 * the whole integration run. Tests run in band, so they see the address through process.env.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../src/config';
import { DevServer, startDevServer } from '../../scripts/lib/dev-server';
import { findTemporalCli } from '../../scripts/lib/temporal-cli';
import { freePort } from '../../scripts/lib/free-port';

export interface TemporalTestServer {
  server: DevServer;
  tempDir: string;
}

const globalKey = '__workorderTemporalTestServer';

export function takeTemporalTestServer(): TemporalTestServer | undefined {
  const holder = globalThis as Record<string, unknown>;
  const found = holder[globalKey] as TemporalTestServer | undefined;
  delete holder[globalKey];
  return found;
}

export default async function globalSetup(): Promise<void> {
  const projectDir = path.resolve(__dirname, '../..');
  const cli = await findTemporalCli({ explicitPath: loadConfig().temporal.cliPath, projectDir });
  const tempDir = fs.mkdtempSync(path.join(os.tmpdir(), 'workorder-temporal-'));
  const port = await freePort();
  let uiPort = await freePort();
  while (uiPort === port) uiPort = await freePort();
  try {
    const server = await startDevServer({
      cliPath: cli.path,
      dbFile: path.join(tempDir, 'temporal.db'),
      port,
      uiPort,
      namespace: 'default',
      headless: true,
      logFile: path.join(tempDir, 'temporal-server.log'),
    });
    (globalThis as Record<string, unknown>)[globalKey] = { server, tempDir } satisfies TemporalTestServer;
    process.env.TEMPORAL_TEST_ADDRESS = server.address;
    // Test stacks number themselves through a file here (see test/support/stack.ts).
    process.env.WORKORDER_TEST_RUN_DIR = tempDir;
    process.env.TEMPORAL_TEST_NAMESPACE = 'default';
  } catch (err) {
    fs.rmSync(tempDir, { recursive: true, force: true });
    throw err;
  }
}
