/** Jest globalTeardown: stops the dev server globalSetup started and removes its database. */
import fs from 'node:fs';
import { takeTemporalTestServer } from './global-setup';

export default async function globalTeardown(): Promise<void> {
  const testServer = takeTemporalTestServer();
  if (!testServer) return;
  try {
    await testServer.server.stop();
  } finally {
    fs.rmSync(testServer.tempDir, { recursive: true, force: true });
  }
}
