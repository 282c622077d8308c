import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import {
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  type S3ClientConfig,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { ArtifactNotFound, checkKey, type ArtifactStore } from './artifacts';
import { DigestStream, sha256Of } from './digest';

export interface S3StoreOptions {
  bucket: string;
  region: string;
  /** Unset: AWS itself. Set for an S3-compatible server (Versity Gateway, MinIO, Ceph). */
  endpoint?: string;
  forcePathStyle: boolean;
  /** Unset: the AWS SDK's default chain (environment, profile, instance or task role). */
  credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
  /** Downloads redirect to presigned URLs when set; the endpoint clients reach, if not `endpoint`. */
  presignedDownloads?: { publicEndpoint?: string };
}

/**
 * A multipart upload holds at most QUEUE × PART bytes of a streamed object (the zip) in memory.
 * Parts are 8 MiB: S3's 10,000-part limit then allows objects of 80 GiB.
 */
const PART_SIZE = 8 * 1024 * 1024;
const QUEUE_SIZE = 2;
/** A presigned link is followed at once by the client the API redirected. */
const PRESIGNED_SECONDS = 300;
const DELETE_BATCH = 1000;

/** The artifact store as an S3 bucket: no disk shared between the API and the workers. */
export function createS3ArtifactStore(options: S3StoreOptions): ArtifactStore {
  const clientConfig = (endpoint: string | undefined): S3ClientConfig => ({
    region: options.region,
    endpoint,
    forcePathStyle: options.forcePathStyle,
    credentials: options.credentials,
    // Checksums only where S3 requires them: S3-compatible servers differ in the optional ones.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
  const client = new S3Client(clientConfig(options.endpoint));
  const Bucket = options.bucket;

  const notFound = (err: unknown) => {
    const e = err as { name?: string; $metadata?: { httpStatusCode?: number } };
    return e.name === 'NoSuchKey' || e.name === 'NotFound' || e.$metadata?.httpStatusCode === 404;
  };

  const store: ArtifactStore = {
    async put(key, body) {
      const Key = checkKey(key);
      if (typeof body === 'string' || Buffer.isBuffer(body)) {
        const bytes = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
        await client.send(new PutObjectCommand({ Bucket, Key, Body: bytes }));
        return { key, sha256: sha256Of(bytes), size: bytes.length };
      }
      const digest = new DigestStream();
      const upload = new Upload({
        client,
        params: { Bucket, Key, Body: digest },
        partSize: PART_SIZE,
        queueSize: QUEUE_SIZE,
      });
      // A failed upload stops reading; ending the source then ends the pipeline too.
      const uploaded = upload.done().catch((err: unknown) => {
        digest.destroy(err as Error);
        throw err;
      });
      await Promise.all([uploaded, pipeline(body, digest)]);
      return { key, sha256: digest.sha256(), size: digest.byteCount };
    },

    async get(key, range) {
      try {
        const { Body } = await client.send(
          new GetObjectCommand({
            Bucket,
            Key: checkKey(key),
            Range: range ? `bytes=${range.start}-${range.end}` : undefined,
          }),
        );
        if (!(Body instanceof Readable)) throw new Error(`S3 answered ${key} without a body stream`);
        return Body;
      } catch (err) {
        throw notFound(err) ? new ArtifactNotFound(key) : err;
      }
    },

    async head(key) {
      try {
        const head = await client.send(new HeadObjectCommand({ Bucket, Key: checkKey(key) }));
        return { size: head.ContentLength ?? 0 };
      } catch (err) {
        if (notFound(err)) return undefined;
        throw err;
      }
    },

    async removePrefix(prefix) {
      const Key = checkKey(prefix.replace(/\/+$/, ''));
      await client.send(new DeleteObjectCommand({ Bucket, Key }));
      let ContinuationToken: string | undefined;
      do {
        const page = await client.send(
          new ListObjectsV2Command({ Bucket, Prefix: `${Key}/`, ContinuationToken, MaxKeys: DELETE_BATCH }),
        );
        const Objects = (page.Contents ?? []).map((o) => ({ Key: o.Key as string }));
        if (Objects.length > 0) {
          const deleted = await client.send(
            new DeleteObjectsCommand({ Bucket, Delete: { Objects, Quiet: true } }),
          );
          const failed = deleted.Errors ?? [];
          if (failed.length > 0) {
            throw new Error(`S3 kept ${failed.length} objects under ${Key}/: ${failed[0].Message}`);
          }
        }
        ContinuationToken = page.IsTruncated ? page.NextContinuationToken : undefined;
      } while (ContinuationToken);
    },
  };

  if (options.presignedDownloads) {
    const { publicEndpoint } = options.presignedDownloads;
    // Signing happens locally; a client for the public endpoint makes links clients can reach.
    const signer = publicEndpoint ? new S3Client(clientConfig(publicEndpoint)) : client;
    store.presignedUrl = (key, download) =>
      getSignedUrl(
        signer,
        new GetObjectCommand({
          Bucket,
          Key: checkKey(key),
          ResponseContentType: download.contentType,
          ResponseContentDisposition: `attachment; filename="${download.fileName}"`,
        }),
        { expiresIn: PRESIGNED_SECONDS },
      );
  }
  return store;
}
