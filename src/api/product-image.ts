import { createHash } from 'node:crypto';
import type { ArtifactStore } from '../storage/artifacts';
import { isWholeJpeg, isWholePng, isWholeWebp } from './image-check';

export interface ImageType {
  ext: 'png' | 'jpg' | 'webp';
  contentType: string;
}

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

const IMAGE_TYPES: Record<ImageType['ext'], ImageType> = {
  png: { ext: 'png', contentType: 'image/png' },
  jpg: { ext: 'jpg', contentType: 'image/jpeg' },
  webp: { ext: 'webp', contentType: 'image/webp' },
};

/**
 * The image's type from its first bytes (the client's filename and Content-Type are not trusted),
 * once the whole file has been checked to be that image (image-check.ts); undefined otherwise.
 */
export function checkedImage(data: Buffer): ImageType | undefined {
  const type = sniffImage(data);
  if (type === undefined) return undefined;
  const whole = { png: isWholePng, jpg: isWholeJpeg, webp: isWholeWebp }[type.ext];
  return whole(data) ? type : undefined;
}

/** The image's type from its first bytes alone. */
export function sniffImage(data: Buffer): ImageType | undefined {
  if (data.length >= 8 && data.subarray(0, 8).equals(PNG_SIGNATURE)) return IMAGE_TYPES.png;
  if (data.length >= 3 && data[0] === 0xff && data[1] === 0xd8 && data[2] === 0xff) return IMAGE_TYPES.jpg;
  if (
    data.length >= 12 &&
    data.toString('latin1', 0, 4) === 'RIFF' &&
    data.toString('latin1', 8, 12) === 'WEBP'
  ) {
    return IMAGE_TYPES.webp;
  }
  return undefined;
}

export function contentTypeOf(ext: ImageType['ext']): string {
  return IMAGE_TYPES[ext].contentType;
}

/**
 * `products/<product uuid>/<content hash>.<ext>`: the random UUID makes the URL unguessable, the
 * hash gives each new image a new URL so it can be cached forever.
 */
export function productImageKey(productUuid: string, data: Buffer, type: ImageType): string {
  const hash = createHash('sha256').update(data).digest('hex').slice(0, 32);
  return `products/${productUuid}/${hash}.${type.ext}`;
}

/** Served without a token under /media/ (see routes/product-media.ts). */
export function productImageUrl(publicUrl: string, key: string | null): string | null {
  return key === null ? null : `${publicUrl}/media/${key}`;
}

export async function storeProductImage(
  artifacts: ArtifactStore,
  productUuid: string,
  image: { data: Buffer; type: ImageType },
): Promise<string> {
  const key = productImageKey(productUuid, image.data, image.type);
  await artifacts.put(key, image.data);
  return key;
}

/** Best effort: an orphaned image file is harmless, so a failure to remove it is not the client's. */
export async function removeProductImage(artifacts: ArtifactStore, key: string | null): Promise<void> {
  if (key === null) return;
  await artifacts.removePrefix(key).catch(() => undefined);
}
