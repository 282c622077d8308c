import { createHash } from 'node:crypto';
import type { Request, Response } from 'express';
import type { ApiDeps } from './context';
import { ApiError, answerOf } from './errors';

export interface Answer {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

const IN_PROGRESS_WAIT_MS = 15_000;

function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((k) => [k, canonical((value as Record<string, unknown>)[k])]),
    );
  }
  return value;
}

/**
 * Runs a create under an optional `Idempotency-Key`: the same key and body get the first answer
 * again; the same key with another body is 422. Failures that may pass (5xx) free the key. A key
 * is remembered IDEMPOTENCY_TTL (default 24 hours); after that it is new again.
 */
export async function idempotent(
  { repos, config }: Pick<ApiDeps, 'repos' | 'config'>,
  req: Request,
  res: Response,
  companyId: number,
  create: () => Promise<Answer>,
): Promise<void> {
  const send = (a: Answer) => {
    for (const [k, v] of Object.entries(a.headers ?? {})) res.setHeader(k, v);
    res.status(a.status).json(a.body);
  };
  const key = req.headers['idempotency-key'];
  if (typeof key !== 'string' || key === '') return send(await create());
  if (key.length > 255)
    throw new ApiError(400, { detail: 'Idempotency-Key must be at most 255 characters.' });

  const hash = createHash('sha256')
    .update(`${req.method} ${req.path}\n${JSON.stringify(canonical(req.body ?? {}))}`)
    .digest('hex');
  // A concurrent twin waits for the first request's answer (a create takes well under this).
  const ttlMs = config.idempotencyTtlMs;
  const claimKey = () =>
    repos.idempotency.claim(companyId, key, hash, new Date(Date.now() - ttlMs).toISOString());
  let claim = await claimKey();
  for (let waited = 0; claim.kind === 'in-progress' && waited < IN_PROGRESS_WAIT_MS; waited += 100) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    claim = await claimKey();
  }
  if (claim.kind === 'mismatch') {
    throw new ApiError(422, {
      detail: 'This Idempotency-Key was already used with a different request body.',
      code: 'idempotency_key_reused',
    });
  }
  if (claim.kind === 'in-progress') {
    throw new ApiError(
      409,
      {
        detail: 'A request with this Idempotency-Key is still in progress.',
        code: 'idempotency_in_progress',
      },
      { 'Retry-After': '1' },
    );
  }
  if (claim.kind === 'replay') {
    res.setHeader('Idempotent-Replayed', 'true');
    const stored = JSON.parse(claim.body) as Answer;
    return send(stored);
  }
  let answer: Answer;
  try {
    answer = await create();
  } catch (err) {
    const refusal = answerOf(err);
    if (refusal && refusal.status < 500) {
      await repos.idempotency.complete(
        companyId,
        key,
        refusal.status,
        JSON.stringify({ status: refusal.status, body: refusal.body, headers: refusal.headers }),
      );
    } else {
      await repos.idempotency.release(companyId, key);
    }
    throw err;
  }
  await repos.idempotency.complete(companyId, key, answer.status, JSON.stringify(answer));
  send(answer);
}
