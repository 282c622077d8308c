import { randomUUID } from 'node:crypto';
import { Router, type Request } from 'express';
import { z } from 'zod';
import { isUniqueViolation } from '../../store/database';
import type { ProductChanges } from '../../store/products';
import type { ProductRow } from '../../store/schema';
import { authorized, type Auth } from '../auth';
import type { ApiDeps } from '../context';
import { fieldError, forbidden, notFound } from '../errors';
import { idempotent } from '../idempotency';
import { orderingQuery, pageOf, paginated, paginationQuery } from '../pagination';
import { removeProductImage, storeProductImage } from '../product-image';
import { renderProduct, renderProducts } from '../product-json';
import { boolean, parseQuery, text } from '../validation';
import { methodNotAllowed, pathId } from './common';
import { readProductRequest, SKU_TAKEN, validateProduct } from './product-input';

/** Paths (relative to /api/v2) whose POST and PATCH may be multipart/form-data with an `image` file. */
export const PRODUCT_MULTIPART_PATHS = /^\/products(\/\d+)?\/?$/;

export const productListQuery = z.object({
  ...paginationQuery,
  sku__exact: z.string({ error: 'Not a valid string.' }).optional(),
  is_archived: boolean().optional(),
  search: text({ max: 255, allowBlank: true }).optional(),
  ordering: orderingQuery,
});

/** Products belong to brand owners; a printing partner has none to create (its lists are empty). */
function brandOwner(req: Request): Auth {
  const auth = authorized(req, 'product_create');
  if (auth.company.company_type !== 'brand_owner') throw forbidden('Only brand owners can create products.');
  return auth;
}

export function productRoutes(deps: ApiDeps): Router {
  const router = Router();
  const skuTaken = () => fieldError('sku', SKU_TAKEN);

  const load = async (req: Request, auth: Auth): Promise<ProductRow> => {
    const row = await deps.repos.products.byIdForCompany(pathId(req), auth.company.id);
    if (!row) throw notFound();
    return row;
  };

  router
    .route('/products/')
    .get(async (req, res) => {
      const auth = authorized(req, 'product_view');
      const q = parseQuery(productListQuery, req.query);
      const page = pageOf(q);
      const { rows, count } = await deps.repos.products.list(auth.company.id, {
        isArchived: q.is_archived ?? false,
        skuExact: q.sku__exact,
        search: q.search || undefined,
        ordering: q.ordering ?? '-id',
        ...page,
      });
      res.json(paginated(req, deps.config.publicUrl, page, count, await renderProducts(deps, rows)));
    })
    .post(async (req, res) => {
      const auth = brandOwner(req);
      const request = await readProductRequest(req);
      await idempotent(deps.repos, req, res, auth.company.id, async () => {
        const input = await validateProduct(deps.repos, auth.company.id, request, { create: true });
        const uuid = randomUUID();
        const imageKey = input.image ? await storeProductImage(deps.artifacts, uuid, input.image) : null;
        let row: ProductRow;
        try {
          row = await deps.repos.products.create({
            uuid,
            companyId: auth.company.id,
            brandId: input.brandId as number,
            sku: input.sku as string,
            name: input.name as string,
            label: input.label ?? null,
            description: input.description ?? '',
            clientUrl: input.clientUrl ?? '',
            imageKey,
          });
        } catch (err) {
          await removeProductImage(deps.artifacts, imageKey);
          // A concurrent POST of the same SKU won the race between our check and our insert.
          if (isUniqueViolation(err)) throw skuTaken();
          throw err;
        }
        return {
          status: 201,
          body: await renderProduct(deps, row),
          headers: { Location: `${deps.config.publicUrl}/api/v2/products/${row.id}/` },
        };
      });
    })
    .all(methodNotAllowed);

  router
    .route('/products/:id/')
    .get(async (req, res) => {
      const auth = authorized(req, 'product_view');
      res.json(await renderProduct(deps, await load(req, auth)));
    })
    .patch(async (req, res) => {
      const auth = authorized(req, 'product_edit');
      const current = await load(req, auth);
      const request = await readProductRequest(req);
      const input = await validateProduct(deps.repos, auth.company.id, request, {
        create: false,
        productId: current.id,
      });
      const changes: ProductChanges = {};
      if (input.sku !== undefined) changes.sku = input.sku;
      if (input.brandId !== undefined) changes.brand_id = input.brandId;
      if (input.name !== undefined) changes.name = input.name;
      if (input.label !== undefined) changes.label = input.label;
      if (input.description !== undefined) changes.description = input.description;
      if (input.clientUrl !== undefined) changes.client_url = input.clientUrl;
      if (input.image !== undefined) {
        changes.image_key = input.image
          ? await storeProductImage(deps.artifacts, current.uuid, input.image)
          : null;
      }
      let updated: ProductRow;
      try {
        updated = await deps.repos.products.update(current.id, changes);
      } catch (err) {
        if (changes.image_key && changes.image_key !== current.image_key) {
          await removeProductImage(deps.artifacts, changes.image_key);
        }
        if (isUniqueViolation(err)) throw skuTaken();
        throw err;
      }
      if (current.image_key !== updated.image_key)
        await removeProductImage(deps.artifacts, current.image_key);
      res.json(await renderProduct(deps, updated));
    })
    .delete(async (req, res) => {
      const auth = authorized(req, 'product_delete');
      const row = await load(req, auth);
      await deps.repos.products.archive(row.id);
      res.status(204).end();
    })
    .all(methodNotAllowed);

  return router;
}
