import type { Context } from '@temporalio/activity';
import { CancelledFailure } from '@temporalio/common';
import type { ActivityInterceptorsFactory } from '@temporalio/worker';
import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';
import type { GenerateBatchesInput, GenerateBatchInput } from '../activities/types';
import type { Mailer } from '../mail/mailer';
import { workorderIdOfWorkflow } from '../shared/workorder';

/** Seconds; a 10,000-code batch with images takes seconds, without images well under one. */
const BATCH_BUCKETS = [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20, 30, 60, 120, 300, 900];

export interface WorkerMetrics {
  registry: Registry;
  /** Activity interceptors: batch counters, and the workorder id on every activity log line. */
  activityInterceptors: ActivityInterceptorsFactory;
  /** The mailer, counting each message handed to SMTP (or the outbox) and each failure. */
  countingMailer(mailer: Mailer): Mailer;
}

/** `workorder-7.reminder-2` → `reminder`: the event kind, without per-workorder values. */
function emailEvent(idempotencyKey: string): string {
  return idempotencyKey.replace(/^.*\./, '').replace(/-\d+$/, '');
}

function outcomeOf(err: unknown): 'failed' | 'canceled' {
  return err instanceof CancelledFailure ? 'canceled' : 'failed';
}

/** Every workorder activity runs for its workorder's workflow; the id is read from there. */
function workorderIdOf(ctx: Context): number | undefined {
  return workorderIdOfWorkflow(ctx.info.workflowExecution?.workflowId ?? '');
}

/** Codes a code-generation activity writes; undefined for the other activities. */
function codesOf(activityType: string, input: unknown): number | undefined {
  if (activityType === 'generateBatch') return (input as GenerateBatchInput).count;
  if (activityType === 'generateBatches') {
    return (input as GenerateBatchesInput).batches.reduce((sum, b) => sum + b.count, 0);
  }
  return undefined;
}

/**
 * The worker's own numbers, known only here: codes generated, batch durations, emails. Counted
 * around the activities by an interceptor, so the activities themselves stay free of metrics code.
 */
export function createWorkerMetrics(): WorkerMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });

  const codesGenerated = new Counter({
    name: 'workorder_codes_generated_total',
    help: 'Codes written by completed generateBatch and generateBatches activities.',
    registers: [registry],
  });
  const batchDuration = new Histogram({
    name: 'workorder_batch_duration_seconds',
    help: 'Duration of generateBatch and generateBatches activity attempts, by outcome (completed, failed, canceled).',
    labelNames: ['outcome'] as const,
    buckets: BATCH_BUCKETS,
    registers: [registry],
  });
  const emails = new Counter({
    name: 'workorder_emails_total',
    help: 'Partner emails by event (created, reminder, ready, canceled) and outcome (sent, failed).',
    labelNames: ['event', 'outcome'] as const,
    registers: [registry],
  });

  const observe = async (ctx: Context, args: unknown[], run: () => Promise<unknown>) => {
    const codes = codesOf(ctx.info.activityType, args[0]);
    if (codes === undefined) return run();
    const started = process.hrtime.bigint();
    const seconds = () => Number(process.hrtime.bigint() - started) / 1e9;
    try {
      const result = await run();
      batchDuration.observe({ outcome: 'completed' }, seconds());
      codesGenerated.inc(codes);
      return result;
    } catch (err) {
      batchDuration.observe({ outcome: outcomeOf(err) }, seconds());
      throw err;
    }
  };

  return {
    registry,
    activityInterceptors: (ctx) => {
      const workorderId = workorderIdOf(ctx);
      return {
        inbound: { execute: (input, next) => observe(ctx, input.args, () => next(input)) },
        outbound: {
          getLogAttributes: (input, next) =>
            next(workorderId === undefined ? input : { ...input, workorderId }),
        },
      };
    },
    // The activity returns early when the email went out on an earlier attempt or there is no one
    // to send to; only the mailer knows that a message really left.
    countingMailer: (mailer) => ({
      async send(mail) {
        const event = emailEvent(mail.idempotencyKey);
        try {
          await mailer.send(mail);
        } catch (err) {
          emails.inc({ event, outcome: 'failed' });
          throw err;
        }
        emails.inc({ event, outcome: 'sent' });
      },
      close: () => mailer.close(),
    }),
  };
}
