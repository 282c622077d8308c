/** The artifact store's configuration: the local directory by default, S3 checked at start. */
import { ConfigError, loadConfig } from '../../../src/config';

const s3 = { DATA_DIR: '/tmp/x', ARTIFACT_STORE: 's3', S3_BUCKET: 'codes' };

test('the local directory under DATA_DIR is the default', () => {
  expect(loadConfig({ DATA_DIR: '/tmp/x' }).artifactStore).toEqual({
    kind: 'local',
    dir: '/tmp/x/artifacts',
  });
});

test('S3 on AWS: virtual-host addressing, the SDK finds the credentials, downloads streamed', () => {
  expect(loadConfig({ ...s3, S3_REGION: 'eu-west-1' }).artifactStore).toEqual({
    kind: 's3',
    bucket: 'codes',
    region: 'eu-west-1',
    endpoint: undefined,
    forcePathStyle: false,
    credentials: undefined,
    presignedDownloads: undefined,
  });
});

test('an S3-compatible endpoint is addressed by path unless told otherwise; keys and links as given', () => {
  const config = loadConfig({
    ...s3,
    S3_ENDPOINT: 'http://s3:7070',
    AWS_ACCESS_KEY_ID: 'id',
    AWS_SECRET_ACCESS_KEY: 'secret',
    S3_PRESIGNED_DOWNLOADS: 'true',
    S3_PUBLIC_ENDPOINT: 'https://files.example.com',
  }).artifactStore;
  expect(config).toMatchObject({
    endpoint: 'http://s3:7070',
    forcePathStyle: true,
    credentials: { accessKeyId: 'id', secretAccessKey: 'secret' },
    presignedDownloads: { publicEndpoint: 'https://files.example.com' },
  });
  expect(
    loadConfig({ ...s3, S3_ENDPOINT: 'http://s3:7070', S3_FORCE_PATH_STYLE: 'false' }).artifactStore,
  ).toMatchObject({ forcePathStyle: false });
});

test('a bucket is required, credentials come in pairs, flags are true or false', () => {
  expect(() => loadConfig({ DATA_DIR: '/tmp/x', ARTIFACT_STORE: 's3' })).toThrow(/S3_BUCKET/);
  expect(() => loadConfig({ ...s3, AWS_ACCESS_KEY_ID: 'id' })).toThrow(ConfigError);
  expect(() => loadConfig({ ...s3, S3_PRESIGNED_DOWNLOADS: 'yes' })).toThrow(/S3_PRESIGNED_DOWNLOADS/);
  expect(() => loadConfig({ DATA_DIR: '/tmp/x', ARTIFACT_STORE: 'ftp' })).toThrow(/ARTIFACT_STORE/);
});
