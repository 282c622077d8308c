/**
 * Definitions shared by the API, the worker and the workflow, so names and shapes cannot drift.
 * Imported into the workflow sandbox: no Node built-ins, no I/O.
 */
export const WORKFLOW_TYPE = 'workorderWorkflow';

const WORKFLOW_ID_PREFIX = 'workorder-';

/** A workorder's workflow id: the one place its format is written. */
export function workflowIdFor(workorderId: number): string {
  return `${WORKFLOW_ID_PREFIX}${workorderId}`;
}

/** The workorder whose workflow id this is, or undefined for any id workflowIdFor does not make. */
export function workorderIdOfWorkflow(workflowId: string): number | undefined {
  const workorderId = Number(workflowId.slice(WORKFLOW_ID_PREFIX.length));
  return Number.isSafeInteger(workorderId) && workflowIdFor(workorderId) === workflowId
    ? workorderId
    : undefined;
}

export type WorkorderType = 'SID' | 'SSC';
export type CodeLayout = 'qr' | 'sg-inside' | 'sg-outside';
export type WorkorderState = 'new' | 'ready to print' | 'printed' | 'completed' | 'canceled';

export const WORKORDER_STATES: readonly WorkorderState[] = [
  'new',
  'ready to print',
  'printed',
  'completed',
  'canceled',
];

/** codegen_status values of the Scantrust API. */
export const Codegen = {
  waiting: 1,
  completed: 4,
  failed: 5,
  generating: 6,
} as const;
export type CodegenStatus = (typeof Codegen)[keyof typeof Codegen];

/** Codes per batch activity (docs/product.md, Codes). */
export const BATCH_SIZE = 10_000;
/** Up to this many codes a workorder gets one PNG per code; above it, one sample image. */
export const IMAGE_LIMIT = 100_000;

/** The secure-graphic derivation new workorders get (CodeSettings.secureGraphicVersion). */
export const SECURE_GRAPHIC_VERSION = 2;

export const MAX_QUANTITY = 10_000_000;

export interface QrSettings {
  errorCorrection: 'L' | 'M' | 'Q' | 'H';
  pixelsPerModule: number;
  quietZoneModules: number;
}

/** Everything needed to compute a workorder's codes; fixed at creation, so retries are exact. */
export interface CodeSettings {
  /** Global code index of sequence number 1; the workorder owns [start, start + quantity). */
  codeIndexStart: number;
  /** Serial number of sequence number 1, or null without serial numbers. */
  serialStart: number | null;
  urlPrefix: string;
  keyId: string;
  codeLayout: CodeLayout;
  withImages: boolean;
  qr: QrSettings;
  /**
   * How SSC seeds are derived (docs/generator.md): absent (1) from the global secure-graphic key;
   * 2 from a per-workorder key that the zip's manifest carries for the offline generator. Recorded
   * on the row at creation, so older workorders keep drawing (and rebuilding) as they did.
   */
  secureGraphicVersion?: 2;
}

export interface Progress {
  codesGenerated: number;
  batchesCompleted: number;
  batchesTotal: number;
}

/** What the partner confirmed, resolved by the API so the workflow's history holds the whole input. */
export interface PrinterConfirmation {
  equipment: { id: number; name: string; dpi: number };
  substrate: { id: number; name: string };
  calibration: { id: number; parameters: Record<string, number | string> };
  externalId: string;
}

export interface ArtifactRef {
  key: string;
  sha256: string;
  size: number;
}

export interface BatchRef {
  batchNumber: number;
  firstSequence: number;
  count: number;
  /** SHA-256 of the batch's codes.csv rows (no header). */
  rowsSha256: string;
}

export interface WorkorderInput {
  workorderId: number;
  companyId: number;
  companyName: string;
  printingPartnerId: number | null;
  type: WorkorderType;
  reference: string;
  quantity: number;
  activateOnComplete: boolean;
  creationDate: string;
  code: CodeSettings;
  /** Delay before each reminder to an unconfirmed partner, e.g. "2 days". */
  reminderDelay: string;
  /** Set when the workflow continues as new: where the previous run stopped. */
  carried?: CarriedState;
}

export interface CarriedState {
  snapshot: WorkorderSnapshot;
  batches: BatchRef[];
  remindersSent: number;
  partnerNotified: boolean;
}

/** The workorder's live state: what the query returns and what the database row mirrors. */
export interface WorkorderSnapshot {
  workorderId: number;
  /** Increases with every change, so a late write never overwrites a newer one. */
  revision: number;
  state: WorkorderState;
  codegenStatus: CodegenStatus;
  isArchived: boolean;
  progress: Progress;
  printer: PrinterConfirmation | null;
  zip: ArtifactRef | null;
  cancelReason: string | null;
  failure: string | null;
  dateCodesCompleted: string | null;
  printedDate: string | null;
  completedDate: string | null;
  canceledDate: string | null;
}

export type Actor = 'brand' | 'partner' | 'operator';

export interface CancelRequest {
  reason: string;
  by: Actor;
}

export function batchCount(quantity: number): number {
  return Math.ceil(quantity / BATCH_SIZE);
}

/** A workorder's snapshot before anything happened to it: new, waiting, nothing generated. */
export function newSnapshot(workorderId: number, quantity: number): WorkorderSnapshot {
  return {
    workorderId,
    revision: 1,
    state: 'new',
    codegenStatus: Codegen.waiting,
    isArchived: false,
    progress: { codesGenerated: 0, batchesCompleted: 0, batchesTotal: batchCount(quantity) },
    printer: null,
    zip: null,
    cancelReason: null,
    failure: null,
    dateCodesCompleted: null,
    printedDate: null,
    completedDate: null,
    canceledDate: null,
  };
}

/** First sequence number and size of batch `batchNumber` (both from 1). */
export function batchBounds(quantity: number, batchNumber: number): { firstSequence: number; count: number } {
  const firstSequence = (batchNumber - 1) * BATCH_SIZE + 1;
  return { firstSequence, count: Math.min(BATCH_SIZE, quantity - firstSequence + 1) };
}
