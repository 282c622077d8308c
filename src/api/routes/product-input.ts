import type { Request } from 'express';
import { z } from 'zod';
import type { Repositories } from '../../store';
import { ApiError, fieldErrors, invalidPk, type FieldErrors } from '../errors';
import { isMultipart, parseMultipart, type UploadedFile } from '../multipart';
import { checkedImage, type ImageType } from '../product-image';
import { parseBody, text } from '../validation';

export const SKU_TAKEN = 'SKU must be unique within this company.';
const IMAGE_NOT_FILE = 'The submitted data was not a file. Check the encoding type on the form.';
const IMAGE_INVALID =
  'Upload a valid image. The file you uploaded was either not an image or a corrupted image.';
const IMAGE_EMPTY = 'The submitted file is empty.';
const URL_INVALID = 'Enter a valid URL.';

/** A product request as received: JSON fields or multipart text fields, and the uploaded image. */
export interface ProductRequest {
  fields: Record<string, unknown>;
  image?: UploadedFile;
}

/** What a POST creates or a PATCH changes; an absent key is "not sent". `image: null` removes it. */
export interface ProductInput {
  sku?: string;
  brandId?: number;
  name?: string;
  label?: string | null;
  description?: string;
  clientUrl?: string;
  image?: { data: Buffer; type: ImageType } | null;
}

const optionalText = (max: number, multiline = false) =>
  text({ max, allowBlank: true, multiline })
    .nullable()
    .optional()
    .transform((v) => v ?? '');

const clientUrl = optionalText(2000).refine((v) => v === '' || isHttpUrl(v), { error: URL_INVALID });

export const productTextFields = {
  sku: text({ max: 255 }),
  name: text({ max: 255 }),
  label: optionalText(255).transform((v) => (v === '' ? null : v)),
  description: optionalText(5000, true),
  client_url: clientUrl,
};

function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname !== '';
  } catch {
    return false;
  }
}

/** Reads the body as multipart (product routes only) or JSON; the JSON must be an object. */
export async function readProductRequest(req: Request): Promise<ProductRequest> {
  if (isMultipart(req.headers['content-type'])) {
    const form = await parseMultipart(req, ['image']);
    // What the Idempotency-Key is checked against: the fields and the image's bytes, by hash.
    req.body = {
      ...form.fields,
      ...(form.files.image && { image: form.files.image.data.toString('base64') }),
    };
    return { fields: form.fields, image: form.files.image };
  }
  parseBody(z.object({}), req.body);
  return { fields: req.body as Record<string, unknown> };
}

/** DRF's wording for a related field given something that is not a primary key. */
function pkTypeError(value: unknown): string | undefined {
  if (typeof value === 'number' || typeof value === 'string') return undefined;
  const kind = Array.isArray(value) ? 'list' : typeof value === 'boolean' ? 'bool' : 'dict';
  return `Incorrect type. Expected pk value, received ${kind}.`;
}

function imageInput(request: ProductRequest): { value?: ProductInput['image']; error?: string } {
  const file = request.image;
  if (file && !(file.filename === '' && file.data.length === 0)) {
    if (file.data.length === 0) return { error: IMAGE_EMPTY };
    const type = checkedImage(file.data);
    return type ? { value: { data: file.data, type } } : { error: IMAGE_INVALID };
  }
  const sent = request.fields.image;
  if (sent === undefined) return {};
  if (sent === null || sent === '') return { value: null };
  return { error: IMAGE_NOT_FILE };
}

/**
 * Validates a POST (`create`) or PATCH (`patch`, only the fields sent) against the company's
 * brands and SKUs. Every field's errors are collected and answered together, keyed by field.
 */
export async function validateProduct(
  repos: Repositories,
  companyId: number,
  request: ProductRequest,
  mode: { create: true } | { create: false; productId: number },
): Promise<ProductInput> {
  const fields = request.fields;
  const errors: FieldErrors = {};
  const input: ProductInput = {};
  const parseText = <K extends keyof typeof productTextFields>(
    field: K,
  ): z.output<(typeof productTextFields)[K]> | undefined => {
    if (!mode.create && fields[field] === undefined) return undefined;
    try {
      return parseBody(z.object({ [field]: productTextFields[field] }), fields)[field] as z.output<
        (typeof productTextFields)[K]
      >;
    } catch (err) {
      if (!(err instanceof ApiError)) throw err;
      Object.assign(errors, err.body);
      return undefined;
    }
  };

  input.sku = parseText('sku');
  if (input.sku !== undefined) {
    const exceptId = mode.create ? undefined : mode.productId;
    if (await repos.products.skuTaken(companyId, input.sku, exceptId)) errors.sku = [SKU_TAKEN];
  }

  // `brand` is accepted for `brand_id`; errors are keyed by the name the client used.
  const brandField = fields.brand_id === undefined && fields.brand !== undefined ? 'brand' : 'brand_id';
  const brand = fields[brandField];
  if (brand === undefined) {
    if (mode.create) errors.brand_id = ['This field is required.'];
  } else if (brand === null) {
    errors[brandField] = ['This field may not be null.'];
  } else if (brand === '') {
    errors[brandField] = ['This field may not be blank.'];
  } else {
    const typeError = pkTypeError(brand);
    // Only strings and numbers are stringified: a hostile object may not convert at all.
    const scalar = typeof brand === 'string' || typeof brand === 'number' ? String(brand) : '';
    const id = /^\s*\d{1,15}\s*$/.test(scalar) ? Number(scalar) : NaN;
    const row = Number.isSafeInteger(id) ? await repos.brands.byIdForCompany(id, companyId) : undefined;
    if (typeError) errors[brandField] = [typeError];
    else if (!row) errors[brandField] = [invalidPk(brand)];
    else input.brandId = row.id;
  }

  input.name = parseText('name');
  input.label = parseText('label');
  input.description = parseText('description');
  input.clientUrl = parseText('client_url');

  const image = imageInput(request);
  if (image.error) errors.image = [image.error];
  else if (image.value !== undefined) input.image = image.value;

  // There are no campaigns in this service: none can be named (see docs/products.md).
  const campaign = fields.campaign;
  if (campaign !== undefined && campaign !== null && campaign !== '') {
    errors.campaign = [pkTypeError(campaign) ?? invalidPk(campaign)];
  }

  if (Object.keys(errors).length > 0) throw fieldErrors(errors);
  for (const key of Object.keys(input) as Array<keyof ProductInput>)
    if (input[key] === undefined) delete input[key];
  return input;
}
