import { randomUUID } from 'node:crypto';
import type { Request } from 'express';
import { z } from 'zod';
import { CONTROL_CHARACTERS_REFUSED, isSingleLineText } from '../../shared/text';
import { isUniqueViolation } from '../../store/database';
import type { ProductChanges } from '../../store/products';
import type { ProductRow } from '../../store/schema';
import type { Auth } from '../auth';
import type { ApiDeps } from '../context';
import { fieldError, notFound } from '../errors';
import { idempotent } from '../idempotency';
import { orderingQuery, pageOf, paginated, paginationQuery } from '../pagination';
import { removeProductImage, storeProductImage } from '../product-image';
import { renderProduct, renderProducts } from '../product-json';
import { AUTH_ERRORS, OBJECT_ERRORS, pathId, type RouteSpec } from '../route';
import { pageSchema, productSchema } from '../schemas';
import { boolean, id, parseQuery, text } from '../validation';
import { productTextFields, readProductRequest, SKU_TAKEN, validateProduct } from './product-input';

const productListQuery = z.object({
  ...paginationQuery,
  sku__exact: z
    .string({ error: 'Not a valid string.' })
    .refine(isSingleLineText, { error: CONTROL_CHARACTERS_REFUSED })
    .optional(),
  is_archived: boolean().optional(),
  search: text({ max: 255, allowBlank: true }).optional(),
  ordering: orderingQuery,
});

/** What product POST/PATCH validate: text fields by schema, the brand and campaign by lookup. */
const productBody = z.object({
  ...productTextFields,
  brand_id: id(),
  brand: id().optional(),
  campaign: id().nullable().optional(),
});

const productPage = pageSchema('ProductPage', productSchema);

const skuTaken = () => fieldError('sku', SKU_TAKEN);

/** The company's product at the path's id, archived or not. */
async function companyProduct(deps: ApiDeps, auth: Auth, req: Request): Promise<ProductRow> {
  const row = await deps.repos.products.byIdForCompany(pathId(req), auth.company.id);
  if (!row) throw notFound();
  return row;
}

/**
 * A brand owner's product catalogue (docs/products.md). Partners have no products: their lists
 * are empty and any product id is a 404 to them.
 */
export const productRoutes: RouteSpec[] = [
  {
    method: 'get',
    path: '/api/v2/products/',
    summary: 'List products (sku__exact, search, is_archived)',
    tag: 'Products',
    auth: 'token',
    permission: 'product_view',
    query: productListQuery,
    responses: {
      200: { description: 'A page of products.', schema: productPage },
      400: 'Bad query.',
      ...AUTH_ERRORS,
    },
    async handle({ req, res, auth, deps }) {
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
    },
  },
  {
    method: 'post',
    path: '/api/v2/products/',
    summary: 'Create one product (JSON or multipart with image)',
    tag: 'Products',
    auth: 'token',
    permission: 'product_create',
    caller: { companyType: 'brand_owner', refusal: 'Only brand owners can create products.' },
    body: productBody,
    multipart: true,
    responses: {
      201: { description: 'Created.', schema: productSchema },
      400: 'Invalid, keyed by field.',
      413: 'Image over 10 MiB.',
      ...AUTH_ERRORS,
    },
    async handle({ req, res, auth, deps }) {
      const request = await readProductRequest(req);
      await idempotent(deps, req, res, auth.company.id, async () => {
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
    },
  },
  {
    method: 'get',
    path: '/api/v2/products/:id/',
    summary: 'A product',
    tag: 'Products',
    auth: 'token',
    permission: 'product_view',
    responses: { 200: { description: 'The product.', schema: productSchema }, ...OBJECT_ERRORS },
    async handle({ req, res, auth, deps }) {
      res.json(await renderProduct(deps, await companyProduct(deps, auth, req)));
    },
  },
  {
    method: 'patch',
    path: '/api/v2/products/:id/',
    summary: 'Change the fields sent (JSON or multipart image)',
    tag: 'Products',
    auth: 'token',
    permission: 'product_edit',
    body: productBody.partial(),
    multipart: true,
    responses: {
      200: { description: 'The product.', schema: productSchema },
      400: 'Invalid, keyed by field.',
      413: 'Image over 10 MiB.',
      ...OBJECT_ERRORS,
    },
    async handle({ req, res, auth, deps }) {
      const current = await companyProduct(deps, auth, req);
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
    },
  },
  {
    method: 'delete',
    path: '/api/v2/products/:id/',
    summary: 'Archive a product',
    tag: 'Products',
    auth: 'token',
    permission: 'product_delete',
    responses: { 204: 'Archived.', ...OBJECT_ERRORS },
    async handle({ req, res, auth, deps }) {
      await deps.repos.products.archive((await companyProduct(deps, auth, req)).id);
      res.status(204).end();
    },
  },
];
