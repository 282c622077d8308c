import {
  ActivityCancellationType,
  ActivityFailure,
  allHandlersFinished,
  CancellationScope,
  condition,
  continueAsNew,
  isCancellation,
  log,
  patched,
  proxyActivities,
  proxyLocalActivities,
  setCurrentDetails,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { Duration, SignalDefinition, UpdateDefinition } from '@temporalio/common';
import type { CodegenActivities, OrchestrationActivities, WorkorderEmailEvent } from '../activities/types';
import * as messages from '../shared/messages';
import { WorkorderArchivedKey, WorkorderStateKey } from '../shared/search-attributes';
import {
  batchBounds,
  batchCount,
  Codegen,
  type BatchRef,
  type CancelRequest,
  type PrinterConfirmation,
  type WorkorderInput,
  type WorkorderSnapshot,
} from '../shared/workorder';
import * as rules from './rules';

/** Continue as new past this many events, well under Temporal's limits, carrying the state along. */
const HISTORY_EVENTS_BEFORE_CONTINUE = 4000;
const MAX_REMINDERS = 3;
/** Patches (runs started before them keep the old behaviour on replay). */
const WIDE_CSV_WINDOW = 'wide-csv-batch-window';
const CSV_WINDOW_FACTOR = 4;
const QUEUED_BATCHES = 'queued-batches';
/** Batches without images per generateBatches activity, and such activities in flight per core. */
const CSV_BATCHES_PER_ACTIVITY = 5;
const GROUPED_WINDOW_FACTOR = 2;

/** Splits ascending numbers into runs of consecutive numbers, each at most `size` long. */
function groupConsecutive(numbers: number[], size: number): number[][] {
  const groups: number[][] = [];
  for (const n of numbers) {
    const group = groups[groups.length - 1];
    if (group && group.length < size && group[group.length - 1] === n - 1) group.push(n);
    else groups.push([n]);
  }
  return groups;
}

export interface WorkflowOptions {
  batchWindow: number;
  codegenTaskQueue: string;
  /** History length after which a generating run continues as new (default 4,000). */
  continueAsNewAfterEvents?: number;
}

export async function workorderWorkflow(
  input: WorkorderInput,
  options: WorkflowOptions,
): Promise<WorkorderSnapshot> {
  const codegen = proxyActivities<CodegenActivities>({
    taskQueue: options.codegenTaskQueue,
    startToCloseTimeout: '15 minutes',
    heartbeatTimeout: '20 seconds',
    // Cleanup must run after in-flight batches have really stopped writing.
    cancellationType: ActivityCancellationType.WAIT_CANCELLATION_COMPLETED,
    retry: {
      initialInterval: '1 second',
      backoffCoefficient: 2,
      maximumInterval: '1 minute',
      maximumAttempts: 5,
    },
  });
  const mail = proxyActivities<OrchestrationActivities>({
    startToCloseTimeout: '1 minute',
    scheduleToCloseTimeout: '7 days',
    // An SMTP outage only delays mail; it never fails the workorder.
    retry: { initialInterval: '5 seconds', backoffCoefficient: 2, maximumInterval: '10 minutes' },
  });
  const local = proxyLocalActivities<OrchestrationActivities>({
    startToCloseTimeout: '15 seconds',
    retry: { initialInterval: '500 milliseconds', maximumInterval: '10 seconds' },
  });

  const carried = input.carried;
  let snapshot: WorkorderSnapshot = carried?.snapshot ?? {
    workorderId: input.workorderId,
    revision: 1,
    state: 'new',
    codegenStatus: Codegen.waiting,
    isArchived: false,
    progress: { codesGenerated: 0, batchesCompleted: 0, batchesTotal: batchCount(input.quantity) },
    printer: null,
    zip: null,
    cancelReason: null,
    failure: null,
    dateCodesCompleted: null,
    printedDate: null,
    completedDate: null,
    canceledDate: null,
  };
  const batches = new Map<number, BatchRef>((carried?.batches ?? []).map((b) => [b.batchNumber, b]));
  let remindersSent = carried?.remindersSent ?? 0;
  let partnerNotified = carried?.partnerNotified ?? false;
  let artifactsRemoved = false;
  let generation: CancellationScope | undefined;
  const pendingMail = new Set<Promise<void>>();
  const logAttrs = { workorderId: input.workorderId, type: input.type };

  const now = () => new Date().toISOString();

  /** Applies a change in memory: bumps the revision, updates search attributes and details. */
  function apply(mutate: (s: WorkorderSnapshot) => void): void {
    const next = JSON.parse(JSON.stringify(snapshot)) as WorkorderSnapshot;
    mutate(next);
    next.revision = snapshot.revision + 1;
    const stateChanged = next.state !== snapshot.state || next.isArchived !== snapshot.isArchived;
    snapshot = next;
    if (stateChanged) {
      upsertSearchAttributes([
        { key: WorkorderStateKey, value: snapshot.state },
        { key: WorkorderArchivedKey, value: snapshot.isArchived },
      ]);
    }
    showDetails();
  }

  /** Applies a change and mirrors it to the database before going on. */
  async function change(mutate: (s: WorkorderSnapshot) => void): Promise<WorkorderSnapshot> {
    apply(mutate);
    await local.recordSnapshot(snapshot);
    return snapshot;
  }

  /**
   * Progress is mirrored to the database behind the batches, not between them: one local activity
   * at a time records the latest snapshot, so batches finishing meanwhile share the next record.
   * A batch's slot is free again as soon as its activity completes.
   */
  let progressRecording: Promise<void> | undefined;
  let progressUnrecorded = false;
  function recordProgressBehind(): void {
    progressUnrecorded = true;
    if (progressRecording) return;
    progressRecording = (async () => {
      while (progressUnrecorded) {
        progressUnrecorded = false;
        const latest = snapshot;
        try {
          // Not cancelled with the batches: the record is kept whatever happens to them.
          await CancellationScope.nonCancellable(() => local.recordSnapshot(latest));
        } catch (err) {
          // Only progress is late: the next change records a newer revision.
          log.warn('Progress could not be recorded', { ...logAttrs, err });
        }
      }
      progressRecording = undefined;
    })();
  }

  /** Waits until the latest progress is in the database. */
  async function progressRecorded(): Promise<void> {
    while (progressRecording) await progressRecording;
  }

  function showDetails(): void {
    const p = snapshot.progress;
    const lines = [`**State:** ${snapshot.state} (codegen_status ${snapshot.codegenStatus})`];
    if (snapshot.codegenStatus === Codegen.generating) {
      lines.push(
        `**Generating:** batch ${Math.min(p.batchesCompleted + 1, p.batchesTotal)} of ${p.batchesTotal}`,
      );
    }
    lines.push(`**Codes generated:** ${p.codesGenerated} of ${input.quantity}`);
    if (snapshot.failure) lines.push(`**Failure:** ${snapshot.failure}`);
    if (snapshot.cancelReason) lines.push(`**Canceled:** ${snapshot.cancelReason}`);
    setCurrentDetails(lines.join('\n\n'));
  }

  function email(event: WorkorderEmailEvent): void {
    if (input.printingPartnerId === null) return;
    const sending = mail
      .sendWorkorderEmail({ workorderId: input.workorderId, event })
      .catch((err: unknown) =>
        log.error('Email could not be delivered', { ...logAttrs, event: event.kind, err }),
      );
    pendingMail.add(sending);
    void sending.finally(() => pendingMail.delete(sending));
  }

  // One handler per message; the Update (validated, answered) and the Signal share it.
  const handlers = {
    printerConfirm: {
      validate: (c: PrinterConfirmation) => rules.checkPrinterConfirm(input.type, snapshot, c),
      run: (c: PrinterConfirmation) =>
        change((s) => {
          s.printer = { ...c, externalId: c.externalId ?? '' };
          s.codegenStatus = Codegen.generating;
        }),
    },
    cancel: {
      validate: (_r: CancelRequest) => rules.checkCancel(snapshot),
      run: (r: CancelRequest) => {
        generation?.cancel();
        return change((s) => {
          s.state = 'canceled';
          s.cancelReason = r.reason || `Canceled by ${r.by}.`;
          s.canceledDate = now();
        });
      },
    },
    archive: {
      validate: () => rules.checkArchive(snapshot),
      run: () => change((s) => void (s.isArchived = true)),
    },
    markPrinted: {
      validate: () => rules.checkMarkPrinted(input.type, snapshot),
      run: () =>
        change((s) => {
          s.state = 'printed';
          s.printedDate = now();
        }),
    },
    qaComplete: {
      validate: () => rules.checkQaComplete(input.type, snapshot),
      run: () =>
        change((s) => {
          s.state = 'completed';
          s.completedDate = now();
        }),
    },
    retryGeneration: {
      validate: () => rules.checkRetryGeneration(snapshot),
      run: () =>
        change((s) => {
          s.failure = null;
          s.codegenStatus = Codegen.generating;
        }),
    },
  };

  function register<A extends unknown[]>(
    update: UpdateDefinition<WorkorderSnapshot, A>,
    signal: SignalDefinition<A>,
    handler: { validate: (...args: A) => void; run: (...args: A) => Promise<WorkorderSnapshot> },
  ): void {
    setHandler(update, (...args: A) => handler.run(...args), {
      validator: (...args: A) => handler.validate(...args),
    });
    setHandler(signal, async (...args: A) => {
      try {
        handler.validate(...args);
      } catch (err) {
        // A signal cannot be refused to its sender; an invalid one is logged and ignored.
        log.warn('Ignored a signal the workorder cannot accept now', {
          ...logAttrs,
          signal: signal.name,
          err,
        });
        return;
      }
      await handler.run(...args);
    });
  }

  setHandler(messages.snapshotQuery, () => snapshot);
  register(messages.printerConfirmUpdate, messages.printerConfirmSignal, handlers.printerConfirm);
  register(messages.cancelUpdate, messages.cancelSignal, handlers.cancel);
  register(messages.archiveUpdate, messages.archiveSignal, handlers.archive);
  register(messages.markPrintedUpdate, messages.markPrintedSignal, handlers.markPrinted);
  register(messages.qaCompleteUpdate, messages.qaCompleteSignal, handlers.qaComplete);
  register(messages.retryGenerationUpdate, messages.retryGenerationSignal, handlers.retryGeneration);

  function shouldContinueAsNew(): boolean {
    const info = workflowInfo();
    const limit = options.continueAsNewAfterEvents ?? HISTORY_EVENTS_BEFORE_CONTINUE;
    return info.continueAsNewSuggested || info.historyLength > limit;
  }

  async function continueWhereWeAre(): Promise<never> {
    await condition(allHandlersFinished);
    await Promise.all([...pendingMail]);
    log.info('Continuing as new', { ...logAttrs, batchesCompleted: batches.size });
    return continueAsNew<typeof workorderWorkflow>(
      {
        ...input,
        carried: {
          snapshot,
          batches: [...batches.values()].sort((a, b) => a.batchNumber - b.batchNumber),
          remindersSent,
          partnerNotified,
        },
      },
      options,
    );
  }

  /** Runs every missing batch, a bounded window at a time; returns false if history asks for a new run. */
  async function runBatches(): Promise<boolean> {
    const total = batchCount(input.quantity);
    const missing: number[] = [];
    for (let n = 1; n <= total; n++) if (!batches.has(n)) missing.push(n);
    // Since QUEUED_BATCHES: progress is recorded behind the batches, not between them, and batches
    // without images (milliseconds of work each) go several to an activity, a few activities deep,
    // so the codegen worker does not wait on the workflow between them.
    const queued = patched(QUEUED_BATCHES);
    const grouped = queued && !input.code.withImages;
    const window = grouped
      ? options.batchWindow * GROUPED_WINDOW_FACTOR
      : input.code.withImages || !patched(WIDE_CSV_WINDOW)
        ? options.batchWindow
        : options.batchWindow * CSV_WINDOW_FACTOR;
    const todo = groupConsecutive(missing, grouped ? CSV_BATCHES_PER_ACTIVITY : 1);
    const inFlight = new Map<number, Promise<void>>();
    let stopScheduling = false;

    const generated = async (refs: BatchRef[]) => {
      for (const ref of refs) batches.set(ref.batchNumber, ref);
      const progress = (s: WorkorderSnapshot) => {
        s.progress.batchesCompleted = batches.size;
        s.progress.codesGenerated = [...batches.values()].reduce((sum, b) => sum + b.count, 0);
      };
      if (queued) {
        apply(progress);
        recordProgressBehind();
      } else {
        await change(progress);
      }
    };

    const launch = (group: number[]) => {
      const first = group[0];
      const last = group[group.length - 1];
      const common = { workorderId: input.workorderId, code: input.code, printer: snapshot.printer };
      const running = (
        grouped
          ? codegen.generateBatches.executeWithOptions(
              {
                summary:
                  first === last ? `batch ${first} of ${total}` : `batches ${first}–${last} of ${total}`,
              },
              [
                {
                  ...common,
                  batches: group.map((n) => ({ batchNumber: n, ...batchBounds(input.quantity, n) })),
                },
              ],
            )
          : codegen.generateBatch
              .executeWithOptions({ summary: `batch ${first} of ${total}` }, [
                { ...common, batchNumber: first, ...batchBounds(input.quantity, first) },
              ])
              .then((ref) => [ref])
      )
        .then(generated)
        .finally(() => inFlight.delete(first));
      inFlight.set(first, running);
    };

    try {
      while (todo.length > 0 || inFlight.size > 0) {
        while (!stopScheduling && todo.length > 0 && inFlight.size < window) {
          launch(todo.shift() as number[]);
        }
        await Promise.race(inFlight.values());
        if (shouldContinueAsNew()) stopScheduling = true;
        if (stopScheduling && inFlight.size === 0 && todo.length > 0) return false;
      }
      return true;
    } catch (err) {
      // One batch failed for good: stop the others before reporting the failure.
      if (inFlight.size > 0) {
        CancellationScope.current().cancel();
        await Promise.allSettled(inFlight.values());
      }
      throw err;
    } finally {
      await progressRecorded();
    }
  }

  async function generate(): Promise<void> {
    if (snapshot.codegenStatus !== Codegen.generating) {
      await change((s) => void (s.codegenStatus = Codegen.generating));
    }
    generation = new CancellationScope();
    try {
      const finished = await generation.run(runBatches);
      if (!finished) await continueWhereWeAre();
      const zip = await generation.run(() =>
        codegen.assembleZip.executeWithOptions({ summary: 'assemble zip' }, [
          {
            workorderId: input.workorderId,
            code: input.code,
            printer: snapshot.printer,
            batches: [...batches.values()].sort((a, b) => a.batchNumber - b.batchNumber),
          },
        ]),
      );
      // A cancel accepted while the zip's result was on its way wins: the zip is removed, not served.
      if (snapshot.state === 'canceled') return;
      const completedAt = now();
      await change((s) => {
        s.zip = zip;
        s.codegenStatus = Codegen.completed;
        s.dateCodesCompleted = completedAt;
        if (input.type === 'SID') {
          s.state = 'completed';
          s.completedDate = completedAt;
        } else {
          s.state = 'ready to print';
        }
      });
      if (input.type === 'SSC') email({ kind: 'ready' });
    } catch (err) {
      if (isCancellation(err) && snapshot.state === 'canceled') return;
      if (err instanceof ActivityFailure) {
        const reason = err.cause?.message ?? err.message;
        log.error('Code generation failed', { ...logAttrs, reason });
        await change((s) => {
          s.codegenStatus = Codegen.failed;
          s.failure = reason;
        });
        return;
      }
      throw err;
    } finally {
      generation = undefined;
    }
  }

  async function waitForPartner(): Promise<void> {
    const answered = () => snapshot.printer !== null || snapshot.state === 'canceled';
    while (!answered()) {
      if (remindersSent >= MAX_REMINDERS) {
        await condition(answered);
        return;
      }
      // A durable timer: survives worker and server restarts, unlike cron or setTimeout.
      if (!(await condition(answered, input.reminderDelay as Duration))) {
        remindersSent += 1;
        email({ kind: 'reminder', number: remindersSent });
      }
    }
  }

  async function cleanUpAfterCancel(): Promise<void> {
    await CancellationScope.nonCancellable(() => codegen.removeArtifacts({ workorderId: input.workorderId }));
    artifactsRemoved = true;
    if (input.type === 'SSC') email({ kind: 'canceled', reason: snapshot.cancelReason ?? '' });
    if (snapshot.zip) await change((s) => void (s.zip = null));
  }

  if (!carried) {
    log.info('Workorder started', logAttrs);
    await change(() => undefined);
  }
  showDetails();
  if (input.printingPartnerId !== null && !partnerNotified) {
    partnerNotified = true;
    email({ kind: 'created' });
  }
  if (input.type === 'SID' && snapshot.state === 'new' && snapshot.codegenStatus === Codegen.waiting) {
    await change((s) => void (s.codegenStatus = Codegen.generating));
  }

  while (!snapshot.isArchived) {
    const seen = snapshot.revision;
    if (snapshot.state === 'canceled') {
      if (!artifactsRemoved) {
        await cleanUpAfterCancel();
        continue;
      }
    } else if (snapshot.state === 'new' && snapshot.codegenStatus === Codegen.generating) {
      await generate();
      continue;
    } else if (input.type === 'SSC' && snapshot.state === 'new' && snapshot.printer === null) {
      await waitForPartner();
      continue;
    }
    await condition(() => snapshot.revision !== seen);
  }

  await condition(allHandlersFinished);
  await Promise.all([...pendingMail]);
  log.info('Workorder archived; workflow closes', logAttrs);
  return snapshot;
}
