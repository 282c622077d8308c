import { EXTENDED_ID_STYLE } from '../codes/manifest';
import { pairKey, type PartnerRight } from '../store/partnerships';
import type { CompanyRow, TemplateRow, WorkorderRow } from '../store/schema';
import { Codegen, type WorkorderSnapshot } from '../shared/workorder';
import type { LinkSigner } from './links';
import type { WorkorderCatalog } from './product-json';
import type { CompanyJson, TemplateJson, WorkorderJson } from './schemas';

export function companyJson(c: CompanyRow): CompanyJson {
  return {
    id: c.id,
    uuid: c.uuid,
    name: c.name,
    slug: c.slug,
    company_type: c.company_type,
    country: c.country,
    city: c.city,
    website: c.website,
    creation_date: c.creation_date,
  };
}

/** `partner_permissions`: what the template's partner may do, while the brand and it are partners. */
export function templateJson(t: TemplateRow, rights: PartnerRights): TemplateJson {
  return {
    id: t.id,
    name: t.name,
    description: t.description,
    company: t.company_id,
    type: t.type,
    custom_layout: null,
    substrate: null,
    substrate_name: '',
    printing_partner: t.printing_partner_id,
    image: null,
    code_layout: t.code_layout,
    use_serial_number: t.use_serial_number === 1,
    is_hybrid: t.is_hybrid === 1,
    is_fp_serialized: false,
    is_static_print: t.is_static_print === 1,
    is_archived: t.is_archived === 1,
    activate_on_complete: t.activate_on_complete === 1,
    url_prefix: t.url_prefix,
    extended_id_style: EXTENDED_ID_STYLE,
    partner_permissions: partnerPermissions(t.company_id, t.printing_partner_id, rights),
  };
}

/** The active partnerships' rights, by pairKey (store/partnerships.ts). */
export type PartnerRights = Map<string, PartnerRight[]>;

function partnerPermissions(
  brandId: number,
  partnerId: number | null,
  rights: PartnerRights,
): PartnerRight[] {
  return partnerId === null ? [] : (rights.get(pairKey(brandId, partnerId)) ?? []);
}

/** The workorder object (docs/product.md, The workorder object): the row's fixed fields and the snapshot's live ones. */
export function workorderJson(
  row: WorkorderRow,
  s: WorkorderSnapshot,
  companies: Map<number, CompanyRow>,
  rights: PartnerRights,
  catalog: WorkorderCatalog | undefined,
  download: { links: LinkSigner; signed: boolean },
): WorkorderJson {
  const company = companies.get(row.company_id);
  const partner = row.printing_partner_id ? companies.get(row.printing_partner_id) : undefined;
  const downloadable = s.zip !== null && s.codegenStatus === Codegen.completed && s.state !== 'canceled';
  const data: WorkorderJson['data'] = {
    remarks: row.remarks,
    static_unique_codes_quantity: 0,
    activate_on_complete: row.activate_on_complete === 1,
  };
  return {
    id: row.id,
    company: company ? companyJson(company) : null,
    printing_partner: partner ? companyJson(partner) : null,
    equipment: s.printer ? s.printer.equipment : null,
    substrate: s.printer ? { ...s.printer.substrate, description: '' } : null,
    state: s.state,
    due_date: row.due_date,
    reference: row.reference,
    creation_date: row.creation_date,
    code_layout: row.code_layout,
    use_serial_number: row.use_serial_number === 1,
    static_unique_codes_quantity: 0,
    quantity: row.quantity,
    is_ready_to_print: s.state === 'ready to print',
    date_codes_completed: s.dateCodesCompleted,
    is_archived: s.isArchived,
    codegen_status: s.codegenStatus,
    codegen_file: !downloadable
      ? null
      : download.signed
        ? download.links.downloadUrl(row.id)
        : download.links.plainUrl(row.id),
    data,
    product: (row.product_id !== null && catalog?.products.get(row.product_id)) || null,
    brand: (row.brand_id !== null && catalog?.brands.get(row.brand_id)) || null,
    remarks: row.remarks,
    printed_date: s.printedDate,
    has_secure_workflow: row.type === 'SSC',
    static_impositions: 0,
    designer: null,
    external_id: s.printer?.externalId ?? '',
    is_fingerprint_trained: false,
    template: row.template_id,
    template_image: null,
    is_hybrid: row.is_hybrid === 1,
    is_static_print: row.is_static_print === 1,
    is_fp_serialized: false,
    total_impressions: row.total_impressions,
    url_prefix: row.url_prefix,
    extended_id_style: EXTENDED_ID_STYLE,
    partner_permissions: partnerPermissions(row.company_id, row.printing_partner_id, rights),
    type: row.type,
    activate_on_complete: row.activate_on_complete === 1,
    progress: {
      codes_generated: s.progress.codesGenerated,
      batches_completed: s.progress.batchesCompleted,
      batches_total: s.progress.batchesTotal,
    },
    workflow_id: row.workflow_id,
    cancel_reason: s.cancelReason,
    failure: s.failure,
  };
}
