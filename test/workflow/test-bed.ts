/**
 * The workflow tests' bed: the workorder workflow from the build's bundle (dist/workflow-bundle.js,
 * bundled once per run by `npm run build`) on the run's Temporal dev server, with a workflow worker
 * and a code-generation worker in this process. The activities are fakes that record what the
 * workflow asked for: these tests are about the workflow's decisions, and the real activities have
 * their own tests (test/unit/activities, test/integration).
 *
 * No time skipping: `TestWorkflowEnvironment.createTimeSkipping` runs Temporal's Java test server,
 * which the SDK downloads from the internet at first use; no package registry this project uses
 * ships it, and the Temporal CLI's dev server (which the project builds) does not skip time. Timers
 * are therefore real, and the tests set the workflow's delays short (reminderDelay).
 */
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Context } from '@temporalio/activity';
import type { WorkflowHandleWithFirstExecutionRunId } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import type { temporal } from '@temporalio/proto';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { DefaultLogger, Runtime, Worker } from '@temporalio/worker';
import type {
  CodegenActivities,
  OrchestrationActivities,
  WorkorderEmailEvent,
} from '../../src/activities/types';
import {
  IMAGE_LIMIT,
  WORKFLOW_TYPE,
  type BatchRef,
  type PrinterConfirmation,
  type WorkorderInput,
  type WorkorderSnapshot,
} from '../../src/shared/workorder';
import type { WorkflowOptions, workorderWorkflow } from '../../src/workflows/workorder';

export type WorkorderHandle = WorkflowHandleWithFirstExecutionRunId<typeof workorderWorkflow>;
type HistoryEvent = temporal.api.history.v1.IHistoryEvent;

const ROOT = path.resolve(__dirname, '../..');
const BUNDLE = path.join(ROOT, 'dist/workflow-bundle.js');

/** The bundle `npm run build` made; refused when older than the sources it would then not test. */
function workflowBundle(): { codePath: string } {
  if (!fs.existsSync(BUNDLE)) throw new Error(`${BUNDLE} is missing: run \`npm run build\` first.`);
  const built = fs.statSync(BUNDLE).mtimeMs;
  for (const dir of ['src/workflows', 'src/shared']) {
    for (const file of fs.readdirSync(path.join(ROOT, dir), { recursive: true, encoding: 'utf8' })) {
      if (fs.statSync(path.join(ROOT, dir, file)).mtimeMs > built) {
        throw new Error(`${dir}/${file} is newer than ${BUNDLE}: run \`npm run build\` first.`);
      }
    }
  }
  return { codePath: BUNDLE };
}

export const PRINTER: PrinterConfirmation = {
  equipment: { id: 11, name: 'Indigo 6900', dpi: 812 },
  substrate: { id: 12, name: 'Matte label' },
  calibration: { id: 13, parameters: { dotGain: 0.12 } },
  externalId: 'JOB-77',
};

/** A workorder's input; SID with per-code images unless a test says otherwise. */
function workorderInput(workorderId: number, overrides: Partial<WorkorderInput>): WorkorderInput {
  return {
    workorderId,
    companyId: 1,
    companyName: 'Brand',
    printingPartnerId: null,
    type: 'SID',
    reference: `REF-${workorderId}`,
    quantity: 25_000,
    activateOnComplete: true,
    creationDate: '2025-01-01T00:00:00.000Z',
    reminderDelay: '2 days',
    ...overrides,
    code: {
      codeIndexStart: 1,
      serialStart: 1,
      urlPrefix: 'HTTPS://QR.TEST/',
      keyId: 'k1',
      codeLayout: overrides.type === 'SSC' ? 'sg-inside' : 'qr',
      withImages: (overrides.quantity ?? 25_000) <= IMAGE_LIMIT,
      qr: { errorCorrection: 'M', pixelsPerModule: 4, quietZoneModules: 4 },
      ...overrides.code,
    },
  };
}

/** What the fake activities saw of one workorder, and how its batches behave. */
export class Fakes {
  readonly emails: WorkorderEmailEvent[] = [];
  /** Snapshots the workflow recorded to the database (the recordSnapshot local activity). */
  readonly recorded: WorkorderSnapshot[] = [];
  /** Batch numbers in the order their generation finished. */
  readonly generated: number[] = [];
  /** Activity calls and what became of them, in order: `batch 2 started`, `assembleZip`... */
  readonly log: string[] = [];
  /** Runs inside each batch's generation; a test replaces it to block or fail batches. */
  batch: (batchNumber: number) => Promise<void> = async () => undefined;
  private waiting: Array<{ check: () => boolean; resolve: () => void }> = [];

  get last(): WorkorderSnapshot | undefined {
    return this.recorded[this.recorded.length - 1];
  }

  /** Resolves once `check` holds after something was recorded; jest's test timeout bounds it. */
  until(check: () => boolean): Promise<void> {
    if (check()) return Promise.resolve();
    return new Promise((resolve) => this.waiting.push({ check, resolve }));
  }

  note(entry: string): void {
    this.log.push(entry);
    this.changed();
  }

  changed(): void {
    this.waiting = this.waiting.filter((w) => (w.check() ? (w.resolve(), false) : true));
  }

  async generate(batch: { batchNumber: number; firstSequence: number; count: number }): Promise<BatchRef> {
    this.note(`batch ${batch.batchNumber} started`);
    try {
      await this.batch(batch.batchNumber);
    } catch (err) {
      this.note(
        `batch ${batch.batchNumber} ${Context.current().cancellationSignal.aborted ? 'canceled' : 'failed'}`,
      );
      throw err;
    }
    this.generated.push(batch.batchNumber);
    this.note(`batch ${batch.batchNumber} done`);
    return { ...batch, rowsSha256: `sha-${batch.batchNumber}` };
  }
}

/** A batch that runs until the workflow cancels it, heartbeating so that the cancel reaches it. */
export async function runUntilCanceled(): Promise<never> {
  const ctx = Context.current();
  for (;;) {
    ctx.heartbeat();
    await ctx.sleep('50 milliseconds');
  }
}

export class WorkflowTestBed {
  private readonly fakes = new Map<number, Fakes>();
  private lastWorkorderId = 0;
  private running: Promise<unknown> = Promise.resolve();
  private workers: Worker[] = [];
  private readonly taskQueue = `workflow-test-${randomUUID()}`;
  private readonly codegenTaskQueue = `codegen-test-${randomUUID()}`;

  private constructor(readonly env: TestWorkflowEnvironment) {}

  /** Connects to the run's dev server (jest's global setup) and starts both workers. */
  static async open(): Promise<WorkflowTestBed> {
    const address = process.env.TEMPORAL_TEST_ADDRESS;
    if (!address)
      throw new Error('TEMPORAL_TEST_ADDRESS is unset: run through jest, whose global setup sets it.');
    // Warnings only: the workers' state changes would bury the test report.
    Runtime.install({ logger: new DefaultLogger('WARN') });
    const env = await TestWorkflowEnvironment.createFromExistingServer({
      address,
      namespace: process.env.TEMPORAL_TEST_NAMESPACE ?? 'default',
    });
    const bed = new WorkflowTestBed(env);
    await bed.startWorkers();
    return bed;
  }

  private async startWorkers(): Promise<void> {
    const of = (workorderId: number): Fakes => {
      const found = this.fakes.get(workorderId);
      if (!found) throw ApplicationFailure.nonRetryable(`no fakes for workorder ${workorderId}`);
      return found;
    };
    const orchestration: OrchestrationActivities = {
      async sendWorkorderEmail({ workorderId, event }) {
        of(workorderId).emails.push(event);
        of(workorderId).note(`email ${event.kind}`);
      },
      async recordSnapshot(snapshot) {
        of(snapshot.workorderId).recorded.push(snapshot);
        of(snapshot.workorderId).changed();
      },
      // Not used by the workorder workflow (the retention workflows are tested on the real stack).
      sweepRetention: () => Promise.reject(ApplicationFailure.nonRetryable('not in the test bed')),
      zipRebuilt: () => Promise.reject(ApplicationFailure.nonRetryable('not in the test bed')),
    };
    const codegen: CodegenActivities = {
      generateBatch: ({ workorderId, batchNumber, firstSequence, count }) =>
        of(workorderId).generate({ batchNumber, firstSequence, count }),
      async generateBatches({ workorderId, batches }) {
        of(workorderId).note(`generateBatches ${batches.map((b) => b.batchNumber).join(',')}`);
        const refs: BatchRef[] = [];
        for (const batch of batches) refs.push(await of(workorderId).generate(batch));
        return refs;
      },
      async assembleZip({ workorderId, batches }) {
        of(workorderId).note(`assembleZip ${batches.map((b) => b.batchNumber).join(',')}`);
        return { key: `workorders/${workorderId}/workorder-${workorderId}.zip`, sha256: 'zip-sha', size: 1 };
      },
      async removeArtifacts({ workorderId }) {
        of(workorderId).note('removeArtifacts');
      },
      async removeBatchParts({ workorderId }) {
        of(workorderId).note('removeBatchParts');
      },
    };
    const common = {
      connection: this.env.nativeConnection,
      namespace: this.env.namespace,
      // Heartbeats reach the server at once, so a canceled batch learns of it without delay.
      maxHeartbeatThrottleInterval: '50 milliseconds' as const,
    };
    this.workers = [
      await Worker.create({
        ...common,
        taskQueue: this.taskQueue,
        workflowBundle: workflowBundle(),
        activities: orchestration,
      }),
      await Worker.create({ ...common, taskQueue: this.codegenTaskQueue, activities: codegen }),
    ];
    this.running = Promise.all(this.workers.map((w) => w.run()));
  }

  /** Starts a workorder's workflow with fakes of its own; `batch` set before any batch can run. */
  async start(
    input: Partial<WorkorderInput> = {},
    options: Partial<WorkflowOptions> = {},
    batch?: Fakes['batch'],
  ): Promise<{ handle: WorkorderHandle; fakes: Fakes; input: WorkorderInput }> {
    const workorderId = ++this.lastWorkorderId;
    const fakes = new Fakes();
    if (batch) fakes.batch = batch;
    this.fakes.set(workorderId, fakes);
    const full = workorderInput(workorderId, input);
    const handle = await this.env.client.workflow.start<typeof workorderWorkflow>(WORKFLOW_TYPE, {
      workflowId: `${this.taskQueue}-${workorderId}`,
      taskQueue: this.taskQueue,
      args: [full, { batchWindow: 2, codegenTaskQueue: this.codegenTaskQueue, ...options }],
    });
    return { handle, fakes, input: full };
  }

  /** Each run's history, first to last, following continue-as-new. */
  async runs(handle: WorkorderHandle): Promise<HistoryEvent[][]> {
    const histories: HistoryEvent[][] = [];
    let runId: string | undefined = handle.firstExecutionRunId;
    while (runId) {
      const history = await this.env.client.workflow.getHandle(handle.workflowId, runId).fetchHistory();
      const events: HistoryEvent[] = history.events ?? [];
      histories.push(events);
      runId =
        events[events.length - 1]?.workflowExecutionContinuedAsNewEventAttributes?.newExecutionRunId ??
        undefined;
    }
    return histories;
  }

  async close(): Promise<void> {
    for (const worker of this.workers) worker.shutdown();
    await this.running;
    await this.env.teardown();
  }
}

/** The failure a refused Update carries: its type (InvalidState...) and message. */
export async function refusal(update: Promise<unknown>): Promise<{ type?: string | null; message: string }> {
  try {
    await update;
  } catch (err) {
    const cause = (err as { cause?: { type?: string; message: string } }).cause;
    if (cause) return { type: cause.type, message: cause.message };
    throw err;
  }
  throw new Error('The update was accepted');
}
