import { Router } from 'express';
import type { ApiDeps } from '../context';
import { notFound } from '../errors';
import { contentTypeOf, type ImageType } from '../product-image';
import { methodNotAllowed } from './common';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const FILE = /^[0-9a-f]{32}\.(png|jpg|webp)$/;

/**
 * Product images, without a token: landing pages and brand systems show them by URL. The path
 * holds the product's random UUID, so it cannot be guessed; only the product's current image is served.
 */
export function productMediaRoutes(deps: ApiDeps): Router {
  const router = Router();
  router
    .route('/media/products/:uuid/:file')
    .get(async (req, res) => {
      const { uuid, file } = req.params as { uuid: string; file: string };
      const match = FILE.exec(file);
      if (!UUID.test(uuid) || !match) throw notFound();
      const key = `products/${uuid}/${file}`;
      const product = await deps.repos.products.byUuid(uuid);
      if (!product || product.image_key !== key) throw notFound();
      await new Promise<void>((resolve, reject) => {
        res.sendFile(
          deps.artifacts.pathOf(key),
          {
            etag: false,
            lastModified: false,
            headers: {
              'Content-Type': contentTypeOf(match[1] as ImageType['ext']),
              'Cache-Control': 'public, max-age=31536000, immutable',
              'X-Content-Type-Options': 'nosniff',
            },
          },
          (err) => (err && !res.headersSent ? reject(notFound()) : resolve()),
        );
      });
    })
    .all(methodNotAllowed);
  return router;
}
