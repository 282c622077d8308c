/**
 * A real S3 server for a test file: Versity Gateway over a temporary directory, on a free port,
 * obtained through scripts/lib/versitygw.ts (a cached build, or built with Go; never assumed).
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { findVersityGateway, startVersityGateway, type VersityGateway } from '../../scripts/lib/versitygw';
import { freePort } from '../../src/free-port';
import type { S3StoreOptions } from '../../src/storage/s3';

export interface TestS3 {
  /** The service's environment for this server (ARTIFACT_STORE=s3 and the rest). */
  env: Record<string, string>;
  options: S3StoreOptions;
  /** The directory it serves, one subdirectory per bucket. */
  dir: string;
  gateway: VersityGateway;
  stop(): Promise<void>;
}

/** Long enough for a first `go install` of versitygw on a busy machine. */
export const S3_SETUP_TIMEOUT_MS = 10 * 60_000;

export async function startTestS3(bucket = 'workorders'): Promise<TestS3> {
  const binary = await findVersityGateway({
    explicitPath: process.env.VERSITYGW_PATH,
    projectDir: path.resolve(__dirname, '../..'),
  });
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'workorder-s3-'));
  const dir = path.join(root, 'data');
  const accessKey = `test${randomBytes(6).toString('hex')}`;
  const secretKey = randomBytes(20).toString('hex');
  const gateway = await startVersityGateway({
    binary,
    dir,
    host: '127.0.0.1',
    port: await freePort(),
    accessKey,
    secretKey,
    bucket,
    logFile: path.join(root, 'versitygw.log'),
  });
  return {
    env: {
      ARTIFACT_STORE: 's3',
      S3_ENDPOINT: gateway.endpoint,
      S3_BUCKET: bucket,
      S3_REGION: 'us-east-1',
      S3_FORCE_PATH_STYLE: 'true',
      AWS_ACCESS_KEY_ID: accessKey,
      AWS_SECRET_ACCESS_KEY: secretKey,
    },
    options: {
      bucket,
      region: 'us-east-1',
      endpoint: gateway.endpoint,
      forcePathStyle: true,
      credentials: { accessKeyId: accessKey, secretAccessKey: secretKey },
    },
    dir,
    gateway,
    async stop() {
      await gateway.stop();
      fs.rmSync(root, { recursive: true, force: true });
    },
  };
}
