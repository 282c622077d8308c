import type {
  ArtifactRef,
  BatchRef,
  CodeSettings,
  PrinterConfirmation,
  WorkorderSnapshot,
} from '../shared/workorder';

export interface GenerateBatchInput {
  workorderId: number;
  batchNumber: number;
  firstSequence: number;
  count: number;
  code: CodeSettings;
  printer: PrinterConfirmation | null;
}

/** A run of consecutive CSV-only batches done by one activity (each still its own batch). */
export interface GenerateBatchesInput {
  workorderId: number;
  batches: Array<{ batchNumber: number; firstSequence: number; count: number }>;
  code: CodeSettings;
  printer: PrinterConfirmation | null;
}

export interface AssembleZipInput {
  workorderId: number;
  code: CodeSettings;
  printer: PrinterConfirmation | null;
  batches: BatchRef[];
}

export type WorkorderEmailEvent =
  | { kind: 'created' }
  | { kind: 'reminder'; number: number }
  | { kind: 'ready' }
  | { kind: 'canceled'; reason: string };

export interface SendEmailInput {
  workorderId: number;
  event: WorkorderEmailEvent;
}

/** The activities the workflow calls; workflows import this type only. */
export interface WorkorderActivities {
  generateBatch(input: GenerateBatchInput): Promise<BatchRef>;
  generateBatches(input: GenerateBatchesInput): Promise<BatchRef[]>;
  assembleZip(input: AssembleZipInput): Promise<ArtifactRef>;
  removeArtifacts(input: { workorderId: number }): Promise<void>;
  sendWorkorderEmail(input: SendEmailInput): Promise<void>;
  recordSnapshot(snapshot: WorkorderSnapshot): Promise<void>;
}
