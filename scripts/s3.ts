/**
 * `npm run s3`: an S3 server for development (Versity Gateway over DATA_DIR/s3, on 127.0.0.1),
 * printing the variables that point the API and the worker at it. `--ensure` only finds or builds
 * versitygw (CI runs it before the tests, as it does for the Temporal CLI).
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { ConfigError, loadConfig } from '../src/config';
import { findVersityGateway, startVersityGateway } from './lib/versitygw';

const projectDir = path.resolve(__dirname, '../..');

/** The access key pair from the environment, else one generated once and kept with the secrets. */
function credentials(dataDir: string): { accessKey: string; secretKey: string } {
  const { AWS_ACCESS_KEY_ID: accessKey, AWS_SECRET_ACCESS_KEY: secretKey } = process.env;
  if (accessKey && secretKey) return { accessKey, secretKey };
  const file = path.join(dataDir, 'secrets', 's3-credentials.json');
  if (!fs.existsSync(file)) {
    fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    const generated = {
      accessKey: `dev${randomBytes(8).toString('hex')}`,
      secretKey: randomBytes(24).toString('hex'),
    };
    fs.writeFileSync(file, JSON.stringify(generated), { mode: 0o600 });
  }
  return JSON.parse(fs.readFileSync(file, 'utf8')) as { accessKey: string; secretKey: string };
}

async function main(): Promise<void> {
  const binary = await findVersityGateway({ explicitPath: process.env.VERSITYGW_PATH, projectDir });
  if (process.argv.includes('--ensure')) {
    console.log(`Versity Gateway: ${binary}`);
    return;
  }
  const config = loadConfig();
  const bucket = process.env.S3_BUCKET ?? 'workorders';
  const port = Number(process.env.S3_PORT ?? 7070);
  const dir = path.join(config.dataDir, 's3');
  const { accessKey, secretKey } = credentials(config.dataDir);
  const gateway = await startVersityGateway({
    binary,
    dir,
    host: '127.0.0.1',
    port,
    accessKey,
    secretKey,
    bucket,
    logFile: path.join(config.dataDir, 's3.log'),
  });
  console.log(`Versity Gateway (S3) on ${gateway.endpoint}, bucket ${bucket}, data in ${dir}`);
  console.log('Start the API and the worker with:');
  console.log(
    `  ARTIFACT_STORE=s3 S3_ENDPOINT=${gateway.endpoint} S3_BUCKET=${bucket} S3_REGION=us-east-1 ` +
      `AWS_ACCESS_KEY_ID=${accessKey} AWS_SECRET_ACCESS_KEY=${secretKey}`,
  );
  console.log('Press Ctrl-C to stop.');
  let stopping = false;
  const shutdown = () => {
    stopping = true;
    void gateway.stop().then(() => process.exit(0));
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
  gateway.process.once('exit', (code, signal) => {
    if (stopping) return;
    console.error(
      `versitygw exited (${signal ?? `code ${code}`}); see ${path.join(config.dataDir, 's3.log')}`,
    );
    process.exit(1);
  });
}

main().catch((err: unknown) => {
  // Our own errors carry a full explanation; show a stack only for the unexpected kinds.
  const expected = err instanceof ConfigError || (err instanceof Error && err.constructor === Error);
  console.error(expected ? (err as Error).message : err);
  process.exit(1);
});
