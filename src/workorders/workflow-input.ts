import { DEFAULT_QR } from '../codes/qr';
import type { Config } from '../config';
import type { CompanyRow, WorkorderRow } from '../store/schema';
import { IMAGE_LIMIT, type WorkorderInput } from '../shared/workorder';

/** The workflow's whole input, derived from the row alone so a restart or the reconciler gives the same. */
export function workorderInput(row: WorkorderRow, company: CompanyRow, config: Config): WorkorderInput {
  return {
    workorderId: row.id,
    companyId: row.company_id,
    companyName: company.name,
    printingPartnerId: row.printing_partner_id,
    type: row.type,
    reference: row.reference,
    quantity: row.quantity,
    activateOnComplete: row.activate_on_complete === 1,
    creationDate: row.creation_date,
    reminderDelay: config.reminderDelay,
    code: {
      codeIndexStart: Number(row.code_index_start),
      serialStart: row.serial_start === null ? null : Number(row.serial_start),
      urlPrefix: row.url_prefix,
      keyId: row.key_id,
      codeLayout: row.code_layout,
      withImages: row.quantity <= IMAGE_LIMIT,
      // A secure graphic inside the QR covers modules: the highest error correction keeps it readable.
      qr: row.code_layout === 'sg-inside' ? { ...DEFAULT_QR, errorCorrection: 'H' } : DEFAULT_QR,
      // Left out for version 1, so the input of older workorders is exactly what it was.
      ...(row.secure_graphic_version >= 2 ? { secureGraphicVersion: 2 as const } : {}),
    },
  };
}

/** What operators see of the workflow in the Web UI: a one-line summary and Markdown details. */
export function workflowSummary(
  row: WorkorderRow,
  company: CompanyRow,
): { summary: string; details: string } {
  const summary = `${row.type} · ${row.quantity.toLocaleString('en-US')} codes · ${company.name} · ref ${row.reference}`;
  const details = [
    `**Workorder** ${row.id} (${row.type})`,
    `**Company** ${company.name} (id ${company.id})`,
    `**Reference** ${row.reference}`,
    `**Quantity** ${row.quantity}`,
    row.printing_partner_id ? `**Printing partner** id ${row.printing_partner_id}` : '',
    row.due_date ? `**Due** ${row.due_date}` : '',
  ]
    .filter(Boolean)
    .join('\n\n');
  return { summary: summary.slice(0, 190), details };
}
