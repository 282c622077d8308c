import { z } from 'zod';
import type { Permission } from '../store/tokens';
import { listSchema } from './pagination';
import { productListQuery } from './routes/products';
import { productTextFields } from './routes/product-input';
import { printerConfirmBody } from './routes/printer-confirm';
import { equipmentQuery, substratesQuery } from './routes/printing';
import { cancelBody } from './routes/workorders-actions';
import { createFromTemplateBody, createSidBody } from './routes/workorders-create';
import { workorderListQuery } from './routes/workorders-read';
import { id } from './validation';

/**
 * Every route the service serves, with who may call it and the zod schemas its handler validates
 * with. The OpenAPI document is generated from this table, and tests check it against the routes
 * Express really has and drive the authorization matrix from it, so a route cannot be forgotten.
 */
export interface RouteSpec {
  method: 'get' | 'post' | 'patch' | 'delete';
  /** Express path, e.g. `/api/v2/workorders/:id/`. */
  path: string;
  summary: string;
  tag: 'Me' | 'Workorders' | 'Printing' | 'Products' | 'Operations';
  /** `token`: `Authorization: UAT <token>`; `link`: a token or the signed `codegen_file` link; `none`: public. */
  auth: 'token' | 'link' | 'none';
  /** The permission the token needs; undefined with a token means any valid token. */
  permission?: Permission;
  /** The company type allowed to call it (others with the permission get 403). */
  caller?: 'brand' | 'partner' | 'both';
  body?: z.ZodType;
  multipart?: boolean;
  query?: z.ZodType;
  /** Status codes the route answers, with what they mean. */
  responses: Record<number, string>;
  /** A non-JSON success body. */
  produces?: string;
}

const ERRORS = {
  401: 'No, unknown or expired token.',
  403: 'The token lacks the permission.',
  429: 'Throttled.',
};
const OBJECT = { ...ERRORS, 404: 'Not found (or another company’s).' };
const CHANGE = { ...OBJECT, 409: 'The workorder’s state refuses this change.', 503: 'Temporal unreachable.' };

/** What product POST/PATCH validate: text fields by schema, the brand and campaign by lookup. */
const productBody = z.object({
  ...productTextFields,
  brand_id: id(),
  brand: id().optional(),
  campaign: id().nullable().optional(),
});

export const ROUTES: RouteSpec[] = [
  {
    method: 'get',
    path: '/api/v2/me/',
    summary: 'The token’s company, permissions and expiry',
    tag: 'Me',
    auth: 'token',
    caller: 'both',
    responses: { 200: 'The caller.', ...ERRORS },
  },
  {
    method: 'get',
    path: '/api/v2/workorders/templates/',
    summary: 'The company’s workorder templates',
    tag: 'Workorders',
    auth: 'token',
    permission: 'workorder_view',
    caller: 'both',
    query: listSchema,
    responses: { 200: 'A page of templates.', 400: 'Bad query.', ...ERRORS },
  },
  {
    method: 'post',
    path: '/api/v2/workorders/create-from-template/',
    summary: 'Create a workorder from a template',
    tag: 'Workorders',
    auth: 'token',
    permission: 'workorder_create',
    caller: 'brand',
    body: createFromTemplateBody,
    responses: {
      201: 'Created; Location names it.',
      400: 'Invalid, keyed by field.',
      422: 'Idempotency-Key reused with another body.',
      503: 'Temporal unreachable; nothing created.',
      ...ERRORS,
    },
  },
  {
    method: 'post',
    path: '/api/v2/workorders/create-sid/',
    summary: 'Create a SID workorder without a template (legacy)',
    tag: 'Workorders',
    auth: 'token',
    permission: 'workorder_create',
    caller: 'brand',
    body: createSidBody,
    responses: {
      201: 'Created.',
      400: 'Invalid, keyed by field.',
      422: 'Idempotency-Key reused with another body.',
      503: 'Temporal unreachable; nothing created.',
      ...ERRORS,
    },
  },
  {
    method: 'get',
    path: '/api/v2/workorders/',
    summary: 'List workorders (newest first)',
    tag: 'Workorders',
    auth: 'token',
    permission: 'workorder_view',
    caller: 'both',
    query: workorderListQuery,
    responses: { 200: 'A page of workorders.', 400: 'Bad query.', ...ERRORS },
  },
  {
    method: 'get',
    path: '/api/v2/workorders/:id/',
    summary: 'A workorder, live from its workflow',
    tag: 'Workorders',
    auth: 'token',
    permission: 'workorder_view',
    caller: 'both',
    responses: { 200: 'The workorder.', ...OBJECT },
  },
  {
    method: 'patch',
    path: '/api/v2/workorders/:id/printer-confirm/',
    summary: 'Confirm the printer and a calibrated substrate (SSC, partner)',
    tag: 'Printing',
    auth: 'token',
    permission: 'workorder_edit',
    caller: 'partner',
    body: printerConfirmBody,
    responses: {
      200: 'Accepted; generation starts.',
      400: 'Unknown equipment or uncalibrated substrate.',
      ...CHANGE,
    },
  },
  {
    method: 'post',
    path: '/api/v2/workorders/:id/printed/',
    summary: 'Mark printed (SSC, partner)',
    tag: 'Printing',
    auth: 'token',
    permission: 'workorder_edit',
    caller: 'partner',
    responses: { 200: 'Printed.', ...CHANGE },
  },
  {
    method: 'post',
    path: '/api/v2/workorders/:id/cancel/',
    summary: 'Cancel (new or ready to print)',
    tag: 'Workorders',
    auth: 'token',
    permission: 'workorder_cancel',
    caller: 'both',
    body: cancelBody,
    responses: { 200: 'Canceled.', 400: 'Invalid reason.', ...CHANGE },
  },
  {
    method: 'post',
    path: '/api/v2/workorders/:id/archive/',
    summary: 'Archive (completed or canceled)',
    tag: 'Workorders',
    auth: 'token',
    permission: 'workorder_archive',
    caller: 'both',
    responses: { 200: 'Archived; the workflow closes.', ...CHANGE },
  },
  {
    method: 'get',
    path: '/api/v2/workorders/:id/download/',
    summary: 'The codes zip (token or signed codegen_file link)',
    tag: 'Workorders',
    auth: 'link',
    permission: 'workorder_download',
    caller: 'both',
    produces: 'application/zip',
    responses: {
      200: 'The zip (Range, HEAD, ETag).',
      206: 'A range of it.',
      304: 'Not modified.',
      409: 'Not generated yet, or canceled.',
      ...OBJECT,
    },
  },
  {
    method: 'get',
    path: '/api/v2/workorders/:id/serial-numbers/',
    summary: 'CSV serial_number,extended_id',
    tag: 'Workorders',
    auth: 'token',
    permission: 'workorder_download',
    caller: 'both',
    produces: 'text/csv',
    responses: { 200: 'The CSV.', 409: 'Not generated yet, or canceled.', ...OBJECT },
  },
  {
    method: 'get',
    path: '/api/v2/equipment/',
    summary: 'The partner’s printing equipment',
    tag: 'Printing',
    auth: 'token',
    permission: 'workorder_view',
    caller: 'both',
    query: equipmentQuery,
    responses: { 200: 'A page of equipment.', 400: 'Bad query.', ...ERRORS },
  },
  {
    method: 'get',
    path: '/api/v2/substrates/',
    summary: 'Substrates calibrated for an equipment',
    tag: 'Printing',
    auth: 'token',
    permission: 'workorder_view',
    caller: 'both',
    query: substratesQuery,
    responses: { 200: 'A page of substrates.', 400: 'Missing or unknown equipment.', ...ERRORS },
  },
  {
    method: 'get',
    path: '/api/v2/brands/',
    summary: 'The company’s brands',
    tag: 'Products',
    auth: 'token',
    permission: 'product_view',
    caller: 'both',
    query: listSchema,
    responses: { 200: 'A page of brands.', 400: 'Bad query.', ...ERRORS },
  },
  {
    method: 'get',
    path: '/api/v2/products/',
    summary: 'List products (sku__exact, search, is_archived)',
    tag: 'Products',
    auth: 'token',
    permission: 'product_view',
    caller: 'both',
    query: productListQuery,
    responses: { 200: 'A page of products.', 400: 'Bad query.', ...ERRORS },
  },
  {
    method: 'post',
    path: '/api/v2/products/',
    summary: 'Create one product (JSON or multipart with image)',
    tag: 'Products',
    auth: 'token',
    permission: 'product_create',
    caller: 'brand',
    body: productBody,
    multipart: true,
    responses: { 201: 'Created.', 400: 'Invalid, keyed by field.', 413: 'Image over 10 MiB.', ...ERRORS },
  },
  {
    method: 'get',
    path: '/api/v2/products/:id/',
    summary: 'A product',
    tag: 'Products',
    auth: 'token',
    permission: 'product_view',
    caller: 'both',
    responses: { 200: 'The product.', ...OBJECT },
  },
  {
    method: 'patch',
    path: '/api/v2/products/:id/',
    summary: 'Change the fields sent (JSON or multipart image)',
    tag: 'Products',
    auth: 'token',
    permission: 'product_edit',
    caller: 'brand',
    body: productBody.partial(),
    multipart: true,
    responses: { 200: 'The product.', 400: 'Invalid, keyed by field.', 413: 'Image over 10 MiB.', ...OBJECT },
  },
  {
    method: 'delete',
    path: '/api/v2/products/:id/',
    summary: 'Archive a product',
    tag: 'Products',
    auth: 'token',
    permission: 'product_delete',
    caller: 'brand',
    responses: { 204: 'Archived.', ...OBJECT },
  },
  {
    method: 'get',
    path: '/media/products/:uuid/:file',
    summary: 'A product image (public, unguessable URL)',
    tag: 'Products',
    auth: 'none',
    produces: 'image/*',
    responses: { 200: 'The image.', 404: 'Not found.' },
  },
  {
    method: 'get',
    path: '/healthz',
    summary: 'The process is up',
    tag: 'Operations',
    auth: 'none',
    responses: { 200: 'Up.' },
  },
  {
    method: 'get',
    path: '/readyz',
    summary: 'Database and Temporal reachable',
    tag: 'Operations',
    auth: 'none',
    responses: { 200: 'Ready.', 503: 'Not ready.' },
  },
  {
    method: 'get',
    path: '/metrics',
    summary: 'Prometheus metrics',
    tag: 'Operations',
    auth: 'none',
    produces: 'text/plain',
    responses: { 200: 'Metrics in Prometheus text format.' },
  },
  {
    method: 'get',
    path: '/api/schema/',
    summary: 'This OpenAPI document',
    tag: 'Operations',
    auth: 'none',
    responses: { 200: 'OpenAPI 3.1 JSON.' },
  },
  {
    method: 'get',
    path: '/api/docs/',
    summary: 'The browsable API reference',
    tag: 'Operations',
    auth: 'none',
    produces: 'text/html',
    responses: { 200: 'HTML.' },
  },
];
