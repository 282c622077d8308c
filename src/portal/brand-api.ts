/**
 * The brand portal's calls, through the same typed client and token as the partner portal's
 * (api.ts): templates, the create form (with an `Idempotency-Key`), products and brands.
 */
import type { operations } from '../client/schema';
import { answer, client, type Schemas } from './api';

export type Template = Schemas['Template'];
export type Product = Schemas['Product'];
export type Brand = Schemas['Brand'];
export type CreateWorkorder =
  operations['postApiV2WorkordersCreateFromTemplate']['requestBody']['content']['application/json'];
export type ProductFields = operations['postApiV2Products']['requestBody']['content']['application/json'];

const byId = (id: number) => ({ params: { path: { id } } });

export const brandApi = {
  templates: () =>
    answer(client.GET('/api/v2/workorders/templates/', { params: { query: { limit: 1000 } } })),
  /** The printing partners the brand may address: its active partnerships. */
  partners: () =>
    answer(client.GET('/api/v2/partnerships/', { params: { query: { state: 'active', limit: 1000 } } })),
  /** One key per distinct body: a repeated click resends the same key and gets the first answer. */
  createWorkorder: (body: CreateWorkorder, idempotencyKey: string) =>
    answer(
      client.POST('/api/v2/workorders/create-from-template/', {
        body,
        headers: { 'Idempotency-Key': idempotencyKey },
      }),
    ),
  brands: () => answer(client.GET('/api/v2/brands/', { params: { query: { limit: 1000 } } })),
  products: (query: { search?: string; limit?: number; offset?: number; sku__exact?: string }) =>
    answer(client.GET('/api/v2/products/', { params: { query: { ordering: '-creation_date', ...query } } })),
  createProduct: (body: ProductFields) => answer(client.POST('/api/v2/products/', { body })),
  editProduct: (id: number, body: Partial<ProductFields>) =>
    answer(client.PATCH('/api/v2/products/{id}/', { ...byId(id), body })),
  /** The image goes as multipart (docs/products.md); the browser sets the boundary. */
  productImage: (id: number, image: File) =>
    answer(
      client.PATCH('/api/v2/products/{id}/', {
        ...byId(id),
        body: {},
        bodySerializer: () => {
          const form = new FormData();
          form.append('image', image, image.name);
          return form;
        },
      }),
    ),
};

/** A fresh random key (crypto.randomUUID needs a secure context; getRandomValues does not). */
export function newIdempotencyKey(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return `portal-${Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')}`;
}
