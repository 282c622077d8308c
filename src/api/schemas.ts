import { z } from 'zod';
import { PARTNER_RIGHTS } from '../store/partnerships';

/**
 * The response bodies of the API, as zod schemas: each serializer's return type is `z.infer` of
 * its schema, and the OpenAPI document's components are written from them (src/api/openapi.ts),
 * so the JSON and its description cannot drift. A schema a route answers with is named here, by
 * `named`, and becomes `#/components/schemas/<name>`.
 */
export const apiSchemas = z.registry<{ id: string }>();

/** Registers `schema` as the component `id` (described by `description`) and returns it. */
export function named<T extends z.ZodType>(id: string, schema: T, description?: string): T {
  apiSchemas.add(schema, { id });
  // z.toJSONSchema reads descriptions from the global registry.
  if (description !== undefined) z.globalRegistry.add(schema, { description });
  return schema;
}

/** A database id. */
export const idField = () => z.int().min(1);
/** A count or a size. */
export const countField = () => z.int().min(0);
/** A timestamp as stored: ISO 8601 text. */
export const timestampField = () => z.string();

/** The body of every refusal but a 400 (docs/product.md, HTTP conventions). */
export const errorSchema = named(
  'Error',
  z.object({
    detail: z.string(),
    code: z.string().optional(),
    request_id: z.string().optional(),
  }),
  'A refusal: a message, and a stable `code` where a client may act on it (e.g. `invalid_state`, `throttled`).',
);

/** The body of a 400: messages by field (lists, or nested by index for lists of IDs). */
export const fieldErrorsSchema = named(
  'FieldErrors',
  z.record(z.string(), z.union([z.array(z.string()), z.record(z.string(), z.array(z.string())), z.string()])),
  'Messages keyed by field (`extended_ids` keyed by index); `non_field_errors` for the rest; or `detail` for malformed JSON.',
);

export const companySchema = named(
  'Company',
  z.object({
    id: idField(),
    uuid: z.string(),
    name: z.string(),
    slug: z.string(),
    company_type: z.enum(['brand_owner', 'printing_partner']),
    country: z.string(),
    city: z.string(),
    website: z.string(),
    creation_date: timestampField(),
  }),
);

export const partnerRightsSchema = named(
  'PartnerPermissions',
  z.array(z.enum(PARTNER_RIGHTS)),
  'What the printing partner may do with the brand’s workorders, while they are partners.',
);

/**
 * A Scantrust field this service always answers null. Described as a nullable string, not as
 * `null`: openapi-fetch's types leave out a field whose only type is null.
 */
export const alwaysNull = () =>
  z
    .string()
    .nullable()
    .meta({ description: 'Always null here (a Scantrust field this service does not fill).' });

export const codeLayoutSchema = z.enum(['qr', 'sg-inside', 'sg-outside']);
export const workorderTypeSchema = z.enum(['SID', 'SSC']);

/** The list envelope of every list route; next/previous are absolute URLs. */
export function pageSchema<T extends z.ZodType>(id: string, item: T) {
  return named(
    id,
    z.object({
      count: countField(),
      next: z.string().nullable(),
      previous: z.string().nullable(),
      results: z.array(item),
    }),
  );
}

export const templateSchema = named(
  'Template',
  z.object({
    id: idField(),
    name: z.string(),
    description: z.string(),
    company: idField(),
    type: workorderTypeSchema,
    custom_layout: alwaysNull(),
    substrate: alwaysNull(),
    substrate_name: z.string(),
    printing_partner: idField().nullable(),
    image: alwaysNull(),
    code_layout: codeLayoutSchema,
    use_serial_number: z.boolean(),
    is_hybrid: z.boolean(),
    is_fp_serialized: z.boolean(),
    is_static_print: z.boolean(),
    is_archived: z.boolean(),
    activate_on_complete: z.boolean(),
    url_prefix: z.string(),
    extended_id_style: z.string(),
    partner_permissions: partnerRightsSchema,
  }),
);

export const brandSchema = named(
  'Brand',
  z.object({
    id: idField(),
    name: z.string(),
    image: z.string().nullable(),
    creation_date: timestampField(),
  }),
);

/** The brand inside a product or workorder. */
export const brandRefSchema = named(
  'BrandRef',
  z.object({ id: idField(), name: z.string(), image: z.string().nullable() }),
);

export const productSchema = named(
  'Product',
  z.object({
    id: idField(),
    uuid: z.string(),
    sku: z.string(),
    image: z.string().nullable(),
    name: z.string(),
    description: z.string(),
    label: z.string(),
    brand: brandRefSchema.nullable(),
    company: z.object({ id: idField(), uuid: z.string(), name: z.string() }).nullable(),
    brand_id: idField(),
    creation_date: timestampField(),
    client_url: z.string(),
    is_archived: z.boolean(),
    code_count: countField().optional(),
    active_code_count: countField().optional(),
    blacklisted_code_count: countField().optional(),
    campaign: alwaysNull(),
  }),
  'A product; the code counts are left out where it is embedded in a workorder.',
);

export const workorderStateSchema = z.enum(['new', 'ready to print', 'printed', 'completed', 'canceled']);

export const workorderSchema = named(
  'Workorder',
  z.object({
    id: idField(),
    company: companySchema.nullable(),
    printing_partner: companySchema.nullable(),
    equipment: z.object({ id: idField(), name: z.string(), dpi: z.number() }).nullable(),
    substrate: z.object({ id: idField(), name: z.string(), description: z.string() }).nullable(),
    state: workorderStateSchema,
    due_date: z.string().nullable(),
    reference: z.string(),
    creation_date: timestampField(),
    code_layout: codeLayoutSchema,
    use_serial_number: z.boolean(),
    static_unique_codes_quantity: z.literal(0),
    quantity: countField(),
    is_ready_to_print: z.boolean(),
    date_codes_completed: timestampField().nullable(),
    is_archived: z.boolean(),
    codegen_status: z
      .union([z.literal(1), z.literal(4), z.literal(5), z.literal(6)])
      .meta({ description: '1 waiting, 6 generating, 4 completed, 5 failed.' }),
    codegen_file: z
      .string()
      .nullable()
      .meta({ description: 'A signed download link, once the codes are generated.' }),
    data: z.object({
      remarks: z.string(),
      static_unique_codes_quantity: z.literal(0),
      activate_on_complete: z.boolean(),
    }),
    product: productSchema.nullable(),
    brand: brandRefSchema.nullable(),
    remarks: z.string(),
    printed_date: timestampField().nullable(),
    has_secure_workflow: z.boolean(),
    static_impositions: z.literal(0),
    designer: alwaysNull(),
    external_id: z.string(),
    is_fingerprint_trained: z.boolean(),
    template: idField().nullable(),
    template_image: alwaysNull(),
    is_hybrid: z.boolean(),
    is_static_print: z.boolean(),
    is_fp_serialized: z.boolean(),
    total_impressions: z.int().nullable(),
    url_prefix: z.string(),
    extended_id_style: z.string(),
    partner_permissions: partnerRightsSchema,
    type: workorderTypeSchema,
    activate_on_complete: z.boolean(),
    progress: z.object({
      codes_generated: countField(),
      batches_completed: countField(),
      batches_total: countField(),
    }),
    workflow_id: z.string(),
    cancel_reason: z.string().nullable(),
    failure: z.string().nullable(),
  }),
  'The workorder object (docs/product.md, The workorder object).',
);

export type CompanyJson = z.infer<typeof companySchema>;
export type TemplateJson = z.infer<typeof templateSchema>;
export type WorkorderJson = z.infer<typeof workorderSchema>;
export type BrandJson = z.infer<typeof brandSchema>;
export type BrandRefJson = z.infer<typeof brandRefSchema>;
export type ProductJson = z.infer<typeof productSchema>;
export type ErrorJson = z.infer<typeof errorSchema>;
