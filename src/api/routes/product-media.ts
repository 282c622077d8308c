import { sendArtifact } from '../artifact-download';
import { notFound } from '../errors';
import { contentTypeOf, type ImageType } from '../product-image';
import type { RouteSpec } from '../route';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const IMAGE_CSP = "sandbox; default-src 'none'";
const FILE = /^[0-9a-f]{32}\.(png|jpg|webp)$/;

/**
 * Product images, without a token: landing pages and brand systems show them by URL. The path
 * holds the product's random UUID, so it cannot be guessed; only the current image of a product not archived is served.
 */
export const productMediaRoutes: RouteSpec[] = [
  {
    method: 'get',
    path: '/media/products/:uuid/:file',
    summary: 'A product image (public, unguessable URL)',
    tag: 'Products',
    auth: 'none',
    produces: 'image/*',
    responses: { 200: 'The image.', 404: 'Not found.' },
    async handle({ req, res, deps }) {
      const { uuid, file } = req.params as { uuid: string; file: string };
      const match = FILE.exec(file);
      if (!UUID.test(uuid) || !match) throw notFound();
      const key = `products/${uuid}/${file}`;
      const product = await deps.repos.products.byUuid(uuid);
      if (!product || product.is_archived === 1 || product.image_key !== key) throw notFound();
      await sendArtifact(req, res, deps.artifacts, {
        key,
        headers: {
          'Content-Type': contentTypeOf(match[1] as ImageType['ext']),
          'Cache-Control': 'public, max-age=31536000, immutable',
          'X-Content-Type-Options': 'nosniff',
          // Opened on its own, the file can run nothing and load nothing, whatever it holds.
          'Content-Security-Policy': IMAGE_CSP,
        },
      });
    },
  },
];
