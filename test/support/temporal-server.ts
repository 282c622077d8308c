/**
 * A throwaway Temporal dev server (free port, `default` namespace, the project's search attributes;
 * in memory unless given a database file) for the test run and the benchmark. @temporalio/testing
 * starts and stops it; the binary is the CLI the project obtains for `npm start`
 * (scripts/lib/temporal-cli.ts).
 */
import path from 'node:path';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { searchAttributeArgs } from '../../scripts/lib/dev-server';
import { findTemporalCli } from '../../scripts/lib/temporal-cli';
import { loadConfig } from '../../src/config';

export async function startTestTemporal(dbFilename?: string): Promise<TestWorkflowEnvironment> {
  const cli = await findTemporalCli({
    explicitPath: loadConfig().temporal.cliPath,
    projectDir: path.resolve(__dirname, '../..'),
  });
  return TestWorkflowEnvironment.createLocal({
    server: {
      executable: { type: 'existing-path', path: cli.path },
      dbFilename,
      extraArgs: searchAttributeArgs(),
    },
  });
}
