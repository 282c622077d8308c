import {
  allHandlersFinished,
  CancellationScope,
  condition,
  log,
  setCurrentDetails,
  upsertSearchAttributes,
  type ActivityInterfaceFor,
  type LocalActivityInterfaceFor,
} from '@temporalio/workflow';
import type { Duration } from '@temporalio/common';
import type { CodegenActivities, OrchestrationActivities, WorkorderEmailEvent } from '../activities/types';
import { WorkorderArchivedKey, WorkorderStateKey } from '../shared/search-attributes';
import {
  Codegen,
  newSnapshot,
  type ArtifactRef,
  type BatchRef,
  type CancelRequest,
  type CarriedState,
  type PrinterConfirmation,
  type WorkorderInput,
  type WorkorderSnapshot,
} from '../shared/workorder';
import * as rules from './rules';

const MAX_REMINDERS = 3;

/** The activity proxies a workorder calls, one per task queue; `local` records snapshots. */
export interface WorkorderActivities {
  codegen: ActivityInterfaceFor<CodegenActivities>;
  mail: ActivityInterfaceFor<OrchestrationActivities>;
  local: LocalActivityInterfaceFor<OrchestrationActivities>;
}

/** A message's validator (throws to refuse) and the change it makes once accepted. */
export interface MessageHandler<A extends unknown[]> {
  validate: (...args: A) => void;
  run: (...args: A) => Promise<WorkorderSnapshot>;
}

/** What the main loop does next, read from the state; 'wait for a message' until one changes it. */
export type NextStep = 'remove artifacts' | 'generate codes' | 'wait for partner' | 'wait for a message';

const now = () => new Date().toISOString();

/**
 * The workorder's state in its workflow and the transitions of its lifecycle (docs/product.md,
 * Lifecycle). Every change bumps the revision; most are recorded in the database before going on.
 */
export class Workorder {
  private current: WorkorderSnapshot;
  /** Generated batches by number; carried over continue-as-new, so none is generated twice. */
  readonly batches: Map<number, BatchRef>;
  private remindersSent: number;
  private partnerNotified: boolean;
  private artifactsRemoved = false;
  /** The running generation: a cancel stops it. */
  generation: CancellationScope | undefined;
  private readonly pendingMail = new Set<Promise<void>>();
  readonly logAttrs: { workorderId: number; type: string };

  constructor(
    readonly input: WorkorderInput,
    readonly activities: WorkorderActivities,
  ) {
    const carried = input.carried;
    this.current = carried?.snapshot ?? newSnapshot(input.workorderId, input.quantity);
    this.batches = new Map((carried?.batches ?? []).map((b) => [b.batchNumber, b]));
    this.remindersSent = carried?.remindersSent ?? 0;
    this.partnerNotified = carried?.partnerNotified ?? false;
    this.logAttrs = { workorderId: input.workorderId, type: input.type };
  }

  get snapshot(): WorkorderSnapshot {
    return this.current;
  }

  /** One handler per message; the Update (validated, answered) and the Signal share it. */
  readonly handlers = {
    printerConfirm: {
      validate: (c: PrinterConfirmation) => rules.checkPrinterConfirm(this.input.type, this.current, c),
      run: (c: PrinterConfirmation) =>
        this.recordChange((s) => {
          s.printer = { ...c, externalId: c.externalId ?? '' };
          s.codegenStatus = Codegen.generating;
        }),
    },
    cancel: {
      validate: (_r: CancelRequest) => rules.checkCancel(this.current),
      run: (r: CancelRequest) => {
        this.generation?.cancel();
        return this.recordChange((s) => {
          s.state = 'canceled';
          s.cancelReason = r.reason || `Canceled by ${r.by}.`;
          s.canceledDate = now();
        });
      },
    },
    archive: {
      validate: () => rules.checkArchive(this.current),
      run: () => this.recordChange((s) => void (s.isArchived = true)),
    },
    markPrinted: {
      validate: () => rules.checkMarkPrinted(this.input.type, this.current),
      run: () =>
        this.recordChange((s) => {
          s.state = 'printed';
          s.printedDate = now();
        }),
    },
    qaComplete: {
      validate: () => rules.checkQaComplete(this.input.type, this.current),
      run: () =>
        this.recordChange((s) => {
          s.state = 'completed';
          s.completedDate = now();
        }),
    },
    retryGeneration: {
      validate: () => rules.checkRetryGeneration(this.current),
      run: () =>
        this.recordChange((s) => {
          s.failure = null;
          s.codegenStatus = Codegen.generating;
        }),
    },
  };

  /** Each run starts here: a new workorder's first record, the partner told once, SID generating. */
  async begin(): Promise<void> {
    if (!this.input.carried) {
      log.info('Workorder started', this.logAttrs);
      await this.recordChange(() => undefined);
    }
    this.showDetails();
    if (this.input.printingPartnerId !== null && !this.partnerNotified) {
      this.partnerNotified = true;
      this.email({ kind: 'created' });
    }
    const s = this.current;
    if (this.input.type === 'SID' && s.state === 'new' && s.codegenStatus === Codegen.waiting) {
      await this.recordChange((next) => void (next.codegenStatus = Codegen.generating));
    }
  }

  nextStep(): NextStep {
    const s = this.current;
    if (s.state === 'canceled') return this.artifactsRemoved ? 'wait for a message' : 'remove artifacts';
    if (s.state === 'new' && s.codegenStatus === Codegen.generating) return 'generate codes';
    if (this.input.type === 'SSC' && s.state === 'new' && s.printer === null) return 'wait for partner';
    return 'wait for a message';
  }

  /** Waits until a message changes the workorder. */
  async nextChange(): Promise<void> {
    const seen = this.current.revision;
    await condition(() => this.current.revision !== seen);
  }

  /** Reminds an unconfirmed partner after each delay, at most MAX_REMINDERS times, then just waits. */
  async waitForPartner(): Promise<void> {
    const answered = () => this.current.printer !== null || this.current.state === 'canceled';
    while (!answered()) {
      if (this.remindersSent >= MAX_REMINDERS) {
        await condition(answered);
        return;
      }
      // A durable timer: survives worker and server restarts, unlike cron or setTimeout.
      if (!(await condition(answered, this.input.reminderDelay as Duration))) {
        this.remindersSent += 1;
        this.email({ kind: 'reminder', number: this.remindersSent });
      }
    }
  }

  /** After a cancel: the codes' files go (even if cancelled itself), the SSC partner is told. */
  async removeArtifacts(): Promise<void> {
    const { workorderId } = this.input;
    await CancellationScope.nonCancellable(() => this.activities.codegen.removeArtifacts({ workorderId }));
    this.artifactsRemoved = true;
    if (this.input.type === 'SSC') this.email({ kind: 'canceled', reason: this.current.cancelReason ?? '' });
    if (this.current.zip) await this.recordChange((s) => void (s.zip = null));
  }

  /** Keeps generated batches and counts them in the progress, in memory; the batch plan records it. */
  batchesGenerated(refs: BatchRef[]): void {
    for (const ref of refs) this.batches.set(ref.batchNumber, ref);
    this.applyChange((s) => {
      s.progress.batchesCompleted = this.batches.size;
      s.progress.codesGenerated = [...this.batches.values()].reduce((sum, b) => sum + b.count, 0);
    });
  }

  batchesInOrder(): BatchRef[] {
    return [...this.batches.values()].sort((a, b) => a.batchNumber - b.batchNumber);
  }

  /** The zip is ready: SID is completed, SSC ready to print (and its partner told). */
  async codesGenerated(zip: ArtifactRef): Promise<void> {
    const completedAt = now();
    await this.recordChange((s) => {
      s.zip = zip;
      s.codegenStatus = Codegen.completed;
      s.dateCodesCompleted = completedAt;
      if (this.input.type === 'SID') {
        s.state = 'completed';
        s.completedDate = completedAt;
      } else {
        s.state = 'ready to print';
      }
    });
    if (this.input.type === 'SSC') this.email({ kind: 'ready' });
  }

  async generationFailed(reason: string): Promise<void> {
    log.error('Code generation failed', { ...this.logAttrs, reason });
    await this.recordChange((s) => {
      s.codegenStatus = Codegen.failed;
      s.failure = reason;
    });
  }

  /** What the next run needs to go on where this one stops. */
  carried(): CarriedState {
    return {
      snapshot: this.current,
      batches: this.batchesInOrder(),
      remindersSent: this.remindersSent,
      partnerNotified: this.partnerNotified,
    };
  }

  /** Waits for running message handlers and mail, before the run ends or continues as new. */
  async settle(): Promise<void> {
    await condition(allHandlersFinished);
    await Promise.all([...this.pendingMail]);
  }

  /** Applies a change in memory only: bumps the revision, updates search attributes and details. */
  applyChange(mutate: (s: WorkorderSnapshot) => void): void {
    const next = JSON.parse(JSON.stringify(this.current)) as WorkorderSnapshot;
    mutate(next);
    next.revision = this.current.revision + 1;
    const stateChanged = next.state !== this.current.state || next.isArchived !== this.current.isArchived;
    this.current = next;
    if (stateChanged) {
      upsertSearchAttributes([
        { key: WorkorderStateKey, value: next.state },
        { key: WorkorderArchivedKey, value: next.isArchived },
      ]);
    }
    this.showDetails();
  }

  /** Applies a change and waits until the database has recorded it. */
  async recordChange(mutate: (s: WorkorderSnapshot) => void): Promise<WorkorderSnapshot> {
    this.applyChange(mutate);
    await this.activities.local.recordSnapshot(this.current);
    return this.current;
  }

  /** Records the snapshot as it is now (changes applied in memory meanwhile included). */
  async record(): Promise<void> {
    await this.activities.local.recordSnapshot(this.current);
  }

  private showDetails(): void {
    const s = this.current;
    const p = s.progress;
    const lines = [`**State:** ${s.state} (codegen_status ${s.codegenStatus})`];
    if (s.codegenStatus === Codegen.generating) {
      lines.push(
        `**Generating:** batch ${Math.min(p.batchesCompleted + 1, p.batchesTotal)} of ${p.batchesTotal}`,
      );
    }
    lines.push(`**Codes generated:** ${p.codesGenerated} of ${this.input.quantity}`);
    if (s.failure) lines.push(`**Failure:** ${s.failure}`);
    if (s.cancelReason) lines.push(`**Canceled:** ${s.cancelReason}`);
    setCurrentDetails(lines.join('\n\n'));
  }

  /** Emails the printing partner, if any, without waiting: an SMTP outage never holds the workorder. */
  private email(event: WorkorderEmailEvent): void {
    if (this.input.printingPartnerId === null) return;
    const sending = this.activities.mail
      .sendWorkorderEmail({ workorderId: this.input.workorderId, event })
      .catch((err: unknown) =>
        log.error('Email could not be delivered', { ...this.logAttrs, event: event.kind, err }),
      );
    this.pendingMail.add(sending);
    void sending.finally(() => this.pendingMail.delete(sending));
  }
}
