import type { Generated, Selectable } from 'kysely';

/** Booleans are stored as 0/1 integers so SQLite and PostgreSQL share one schema. */
type Flag = number;

export interface CompanyTable {
  id: Generated<number>;
  uuid: string;
  name: string;
  slug: string;
  company_type: 'brand_owner' | 'printing_partner';
  email: string | null;
  country: string;
  city: string;
  website: string;
  creation_date: string;
  /** A printing partner's secret code that brands invite it by; null for brand owners. */
  invitation_code: string | null;
}

export interface TokenTable {
  id: Generated<number>;
  company_id: number;
  token_hash: string;
  /** First characters of the token, to tell tokens apart in listings without revealing them. */
  token_prefix: string;
  permissions: string;
  expires_at: string | null;
  creation_date: string;
}

export interface TemplateTable {
  id: Generated<number>;
  company_id: number;
  name: string;
  description: string;
  type: 'SID' | 'SSC';
  code_layout: 'qr' | 'sg-inside' | 'sg-outside';
  use_serial_number: Flag;
  activate_on_complete: Flag;
  is_static_print: Flag;
  is_hybrid: Flag;
  url_prefix: string;
  printing_partner_id: number | null;
  is_archived: Flag;
  /** 1: printer-confirm takes only calibrations an operator approved. */
  calibration_approval: Generated<Flag>;
  creation_date: string;
}

export interface CounterTable {
  name: string;
  value: number;
}

export interface WorkorderTable {
  id: Generated<number>;
  company_id: number;
  printing_partner_id: number | null;
  template_id: number | null;
  type: 'SID' | 'SSC';
  reference: string;
  remarks: string;
  quantity: number;
  due_date: string | null;
  total_impressions: number | null;
  code_layout: 'qr' | 'sg-inside' | 'sg-outside';
  use_serial_number: Flag;
  activate_on_complete: Flag;
  is_static_print: Flag;
  is_hybrid: Flag;
  url_prefix: string;
  product_id: number | null;
  brand_id: number | null;
  code_index_start: number;
  serial_start: number | null;
  key_id: string;
  workflow_id: string;
  /** 0 until the API (or the reconciler) has started the workflow. */
  workflow_started: Flag;
  state: string;
  codegen_status: number;
  is_archived: Flag;
  progress_codes: number;
  progress_batches_completed: number;
  progress_batches_total: number;
  cancel_reason: string | null;
  failure: string | null;
  external_id: string;
  equipment_id: number | null;
  substrate_id: number | null;
  printer_json: string | null;
  zip_key: string | null;
  zip_sha256: string | null;
  zip_size: number | null;
  /** When the workorder was archived: its zip's retention counts from then. */
  archived_date: string | null;
  /** When the retention sweep removed the zip (it is rebuilt on the next download); null otherwise. */
  zip_removed_at: string | null;
  /** When a removed zip was last rebuilt: retention counts from then too. */
  zip_rebuilt_at: string | null;
  /** 1: secure-graphic seeds from the global key; 2: from a per-workorder key the zip carries. */
  secure_graphic_version: number;
  date_codes_completed: string | null;
  printed_date: string | null;
  completed_date: string | null;
  canceled_date: string | null;
  snapshot_revision: number;
  creation_date: string;
  updated_at: string;
}

export interface IdempotencyKeyTable {
  company_id: number;
  idempotency_key: string;
  request_hash: string;
  response_status: number | null;
  response_body: string | null;
  creation_date: string;
}

export interface EmailLogTable {
  idempotency_key: string;
  status: 'sending' | 'sent';
  recipient: string;
  subject: string;
  updated_at: string;
}

/** A brand of a brand-owner company; products are assigned to one. */
export interface BrandTable {
  id: Generated<number>;
  company_id: number;
  name: string;
  /** Absolute URL of the brand's image, or null (brand images are not uploaded through the API yet). */
  image: string | null;
  creation_date: string;
}

export interface ProductTable {
  id: Generated<number>;
  uuid: string;
  company_id: number;
  brand_id: number;
  /** Unique within the company (archived products keep theirs). */
  sku: string;
  name: string;
  /** Null means "same as name". */
  label: string | null;
  description: string;
  client_url: string;
  /** Artifact-store key of the uploaded image, or null. */
  image_key: string | null;
  is_archived: Flag;
  creation_date: string;
  updated_at: string;
}

/** A printing partner's press; its dpi sizes the secure graphic. */
export interface EquipmentTable {
  id: Generated<number>;
  company_id: number;
  name: string;
  dpi: number;
  model: Generated<string>;
  notes: Generated<string>;
  /** Set when the partner archived it: out of the confirm list, kept for the workorders naming it. */
  archived_at: string | null;
  creation_date: string;
}

/** A material a printing partner prints on. */
export interface SubstrateTable {
  id: Generated<number>;
  company_id: number;
  name: string;
  description: string;
  archived_at: string | null;
  creation_date: string;
}

/** An equipment × substrate pair cleared for printing, with its printing parameters as JSON. */
export interface CalibrationTable {
  id: Generated<number>;
  equipment_id: number;
  substrate_id: number;
  /** The measured values as JSON (`{}` until measured). */
  parameters: string;
  /** `measuring` (chart issued), `pending_approval` (measured, an operator must approve), `active`. */
  status: Generated<CalibrationStatus>;
  measured_at: string | null;
  approved_at: string | null;
  /** The last day (ISO date) the calibration may be used; null: no end. */
  valid_until: string | null;
  creation_date: string;
}

export type CalibrationStatus = 'measuring' | 'pending_approval' | 'active';

/** A brand's change of a workorder's code statuses: one row per range (docs/product.md, Code status). */
export interface CodeStatusChangeTable {
  /** Increasing: the latest change wins where ranges overlap. */
  id: Generated<number>;
  workorder_id: number;
  first_sequence: number;
  last_sequence: number;
  activation_status: number;
  creation_date: string;
}

export interface Database {
  companies: CompanyTable;
  tokens: TokenTable;
  templates: TemplateTable;
  counters: CounterTable;
  workorders: WorkorderTable;
  idempotency_keys: IdempotencyKeyTable;
  email_log: EmailLogTable;
  brands: BrandTable;
  products: ProductTable;
  equipment: EquipmentTable;
  substrates: SubstrateTable;
  calibrations: CalibrationTable;
  code_status_changes: CodeStatusChangeTable;
  partnerships: PartnershipTable;
  throttle_windows: ThrottleWindowTable;
  webhook_endpoints: WebhookEndpointTable;
  webhook_deliveries: WebhookDeliveryTable;
}

/** A company's webhook endpoint (src/store/webhooks.ts, docs/webhooks.md). */
export interface WebhookEndpointTable {
  id: Generated<number>;
  company_id: number;
  url: string;
  description: string;
  /** JSON list of the subscribed event types. */
  events: string;
  /** The signing secret (`whsec_...`) sealed with AES-256-GCM; opened only by the delivery activity. */
  secret: string;
  is_active: Flag;
  /** Why the service disabled it (3 days of failures), or null. */
  disabled_reason: string | null;
  creation_date: string;
  updated_at: string;
}

/** One event for one endpoint: the outbox row the delivery workflow sends, with its log. */
export interface WebhookDeliveryTable {
  id: Generated<number>;
  endpoint_id: number;
  workorder_id: number;
  event_type: string;
  /** `webhook-id`: the same on every attempt and redelivery. */
  message_id: string;
  /** The workorder's snapshot revision the event was recorded at. */
  revision: number;
  /** The JSON body, fixed when the event happened, so every attempt sends the same bytes. */
  payload: string;
  status: 'pending' | 'delivered' | 'failed';
  attempts: number;
  last_status_code: number | null;
  last_error: string | null;
  /** At most 1 KiB of the last response's body. */
  last_response: string | null;
  next_attempt_at: string | null;
  creation_date: string;
  delivered_at: string | null;
  updated_at: string;
}

/** A token's current throttle window (src/store/throttle.ts). */
export interface ThrottleWindowTable {
  /** The token's hash (never the token). */
  token_key: string;
  /** Epoch milliseconds. */
  window_start: number;
  count: number;
}

export interface PartnershipTable {
  id: Generated<number>;
  brand_id: number;
  partner_id: number;
  state: 'invited' | 'active' | 'declined' | 'ended';
  /** JSON list of what the partner may do with the brand's workorders (see PARTNER_RIGHTS). */
  permissions: string;
  creation_date: string;
  updated_at: string;
}

export type CompanyRow = Selectable<CompanyTable>;
export type PartnershipRow = Selectable<PartnershipTable>;
export type WebhookEndpointRow = Selectable<WebhookEndpointTable>;
export type WebhookDeliveryRow = Selectable<WebhookDeliveryTable>;
export type TokenRow = Selectable<TokenTable>;
export type TemplateRow = Selectable<TemplateTable>;
export type WorkorderRow = Selectable<WorkorderTable>;
export type EquipmentRow = Selectable<EquipmentTable>;
export type SubstrateRow = Selectable<SubstrateTable>;
export type CalibrationRow = Selectable<CalibrationTable>;
export type BrandRow = Selectable<BrandTable>;
export type ProductRow = Selectable<ProductTable>;
