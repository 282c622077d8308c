import type { Kysely } from 'kysely';
import { isUniqueViolation, nowIso } from './database';
import type { Database } from './schema';

export type IdempotencyClaim =
  | { kind: 'claimed' }
  | { kind: 'replay'; status: number; body: string }
  | { kind: 'mismatch' }
  | { kind: 'in-progress' };

export function idempotencyRepository(db: Kysely<Database>) {
  const find = (companyId: number, key: string) =>
    db
      .selectFrom('idempotency_keys')
      .selectAll()
      .where('company_id', '=', companyId)
      .where('idempotency_key', '=', key)
      .executeTakeFirst();

  return {
    /**
     * Claims a key for this request, or says what the first request with that key got. A key
     * claimed before `expiredBefore` (an ISO time: now less IDEMPOTENCY_TTL) is forgotten first.
     */
    async claim(
      companyId: number,
      key: string,
      requestHash: string,
      expiredBefore: string,
    ): Promise<IdempotencyClaim> {
      await db
        .deleteFrom('idempotency_keys')
        .where('company_id', '=', companyId)
        .where('idempotency_key', '=', key)
        .where('creation_date', '<', expiredBefore)
        .execute();
      try {
        await db
          .insertInto('idempotency_keys')
          .values({
            company_id: companyId,
            idempotency_key: key,
            request_hash: requestHash,
            response_status: null,
            response_body: null,
            creation_date: nowIso(),
          })
          .execute();
        return { kind: 'claimed' };
      } catch (err) {
        if (!isUniqueViolation(err)) throw err;
      }
      const row = await find(companyId, key);
      if (!row) return { kind: 'in-progress' };
      if (row.request_hash !== requestHash) return { kind: 'mismatch' };
      if (row.response_status === null || row.response_body === null) return { kind: 'in-progress' };
      return { kind: 'replay', status: row.response_status, body: row.response_body };
    },
    async complete(companyId: number, key: string, status: number, body: string): Promise<void> {
      await db
        .updateTable('idempotency_keys')
        .set({ response_status: status, response_body: body })
        .where('company_id', '=', companyId)
        .where('idempotency_key', '=', key)
        .execute();
    },
    /** Deletes every key claimed before `before` (ISO time); returns how many. */
    async prune(before: string): Promise<number> {
      const result = await db
        .deleteFrom('idempotency_keys')
        .where('creation_date', '<', before)
        .executeTakeFirst();
      return Number(result.numDeletedRows);
    },
    /** Frees a key whose request failed without a final answer, so the client may retry it. */
    async release(companyId: number, key: string): Promise<void> {
      await db
        .deleteFrom('idempotency_keys')
        .where('company_id', '=', companyId)
        .where('idempotency_key', '=', key)
        .where('response_status', 'is', null)
        .execute();
    },
  };
}
export type IdempotencyRepository = ReturnType<typeof idempotencyRepository>;
