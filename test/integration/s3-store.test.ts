/**
 * The artifact store's contract on S3, against a real Versity Gateway started here, plus what only
 * S3 does: presigned download links.
 */
import { createS3ArtifactStore } from '../../src/storage/s3';
import { artifactStoreContract } from '../support/artifact-store-contract';
import { S3_SETUP_TIMEOUT_MS, startTestS3, type TestS3 } from '../support/s3';

let s3: TestS3;
beforeAll(async () => {
  s3 = await startTestS3();
}, S3_SETUP_TIMEOUT_MS);
afterAll(async () => {
  await s3?.stop();
});

describe('S3 artifact store', () => {
  artifactStoreContract(() => createS3ArtifactStore(s3.options));

  test('offers presigned links only when configured; a link downloads with the given name', async () => {
    expect(createS3ArtifactStore(s3.options).presignedUrl).toBeUndefined();
    const store = createS3ArtifactStore({ ...s3.options, presignedDownloads: {} });
    await store.put('presigned/workorder-7.zip', 'zip bytes');
    const url = await (store.presignedUrl as NonNullable<typeof store.presignedUrl>)(
      'presigned/workorder-7.zip',
      { fileName: 'workorder-7.zip', contentType: 'application/zip' },
    );
    expect(url.startsWith(`${s3.gateway.endpoint}/workorders/presigned/workorder-7.zip?`)).toBe(true);
    const res = await fetch(url);
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('zip bytes');
    expect(res.headers.get('content-type')).toBe('application/zip');
    expect(res.headers.get('content-disposition')).toBe('attachment; filename="workorder-7.zip"');
    const range = await fetch(url, { headers: { Range: 'bytes=4-8' } });
    expect([range.status, await range.text()]).toEqual([206, 'bytes']);
  });

  test('a public endpoint for links is used for signing only', async () => {
    const store = createS3ArtifactStore({
      ...s3.options,
      presignedDownloads: { publicEndpoint: 'https://files.example.com' },
    });
    const url = await (store.presignedUrl as NonNullable<typeof store.presignedUrl>)('a/b.zip', {
      fileName: 'b.zip',
      contentType: 'application/zip',
    });
    expect(url.startsWith('https://files.example.com/workorders/a/b.zip?')).toBe(true);
    expect(url).toContain('X-Amz-Signature=');
  });
});
