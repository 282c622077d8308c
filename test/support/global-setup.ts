/**
 * Jest globalSetup: one headless Temporal dev server on free ports with a throwaway database for
 * the whole integration run. Tests run in band, so they see the address through process.env.
 */
import path from 'node:path';
import { loadConfig } from '../../src/config';
import { DevServer, startThrowawayDevServer } from '../../scripts/lib/dev-server';
import { findTemporalCli } from '../../scripts/lib/temporal-cli';

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
  const { server, dir: tempDir } = await startThrowawayDevServer(cli.path, 'workorder-temporal-');
  (globalThis as Record<string, unknown>)[globalKey] = { server, tempDir } satisfies TemporalTestServer;
  process.env.TEMPORAL_TEST_ADDRESS = server.address;
  // Test stacks number themselves through a file here (see test/support/stack.ts).
  process.env.WORKORDER_TEST_RUN_DIR = tempDir;
  process.env.TEMPORAL_TEST_NAMESPACE = 'default';
}
