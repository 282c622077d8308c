import type { WorkorderEmailEvent } from '../activities/types';
import { oneLine, quoteLines } from '../shared/text';
import type { CompanyRow, WorkorderRow } from '../store/schema';

export interface WorkorderMailContext {
  workorder: WorkorderRow;
  brand: CompanyRow;
  publicUrl: string;
}

/** The partner's emails: what arrived, what to do next, and how to do it through the API. */
export function renderPartnerMail(
  event: WorkorderEmailEvent,
  ctx: WorkorderMailContext,
): { subject: string; text: string } {
  const w = ctx.workorder;
  const api = `${ctx.publicUrl}/api/v2/workorders/${w.id}`;
  // The brand's words are quoted ("> " before each line) so none can pass for the service's own.
  const reference = oneLine(w.reference);
  const brand = oneLine(ctx.brand.name);
  const facts = [
    `Workorder: ${w.id}`,
    `Reference: ${reference}`,
    `Brand: ${brand}`,
    `Type: ${w.type}`,
    `Quantity: ${w.quantity}`,
    `Due date: ${w.due_date ?? 'not set'}`,
    w.remarks ? `Remarks:\n${quoteLines(w.remarks)}` : '',
  ].filter(Boolean);
  const howToConfirm = [
    'To confirm, choose the printing equipment and a substrate calibrated for it:',
    `  GET   ${ctx.publicUrl}/api/v2/equipment/`,
    `  GET   ${ctx.publicUrl}/api/v2/substrates/?equipment=<equipment id>`,
    `  PATCH ${api}/printer-confirm/  {"equipment": <id>, "substrate": <id>, "external_id": "<your job id>"}`,
    'Nothing can be changed after confirming.',
  ];
  switch (event.kind) {
    case 'created':
      return {
        subject: `New workorder ${reference} from ${brand}`,
        text: [
          `${brand} has submitted a workorder for you.`,
          '',
          ...facts,
          '',
          ...(w.type === 'SSC'
            ? howToConfirm
            : [`The codes can be downloaded from ${api}/download/ once generated.`]),
        ].join('\n'),
      };
    case 'reminder':
      return {
        subject: `Reminder ${event.number}: workorder ${reference} waits for your confirmation`,
        text: [
          `Workorder ${w.id} still waits for your printer confirmation.`,
          '',
          ...facts,
          '',
          ...howToConfirm,
        ].join('\n'),
      };
    case 'ready':
      return {
        subject: `Codes ready: workorder ${reference}`,
        text: [
          `The codes of workorder ${w.id} are generated.`,
          '',
          ...facts,
          '',
          `Download: GET ${api}/download/`,
          `Mark printed when done: POST ${api}/printed/`,
        ].join('\n'),
      };
    case 'canceled':
      return {
        subject: `Canceled: workorder ${reference}`,
        text: [
          `Workorder ${w.id} was canceled; its codes are void and must not be printed.`,
          event.reason ? `Reason:\n${quoteLines(event.reason)}` : '',
          '',
          ...facts,
        ].join('\n'),
      };
  }
}

export function emailIdempotencyKey(workorderId: number, event: WorkorderEmailEvent): string {
  const suffix = event.kind === 'reminder' ? `reminder-${event.number}` : event.kind;
  return `workorder-${workorderId}.${suffix}`;
}
