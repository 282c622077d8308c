import type { Kysely } from 'kysely';
import { nowIso } from './database';
import type { Database } from './schema';

/** Records each email by its idempotency key, so a retried activity never sends it twice. */
export function emailLogRepository(db: Kysely<Database>) {
  return {
    async wasSent(key: string): Promise<boolean> {
      const row = await db
        .selectFrom('email_log')
        .select('status')
        .where('idempotency_key', '=', key)
        .executeTakeFirst();
      return row?.status === 'sent';
    },
    async markSending(key: string, recipient: string, subject: string): Promise<void> {
      await db
        .insertInto('email_log')
        .values({ idempotency_key: key, status: 'sending', recipient, subject, updated_at: nowIso() })
        .onConflict((oc) => oc.column('idempotency_key').doUpdateSet({ updated_at: nowIso() }))
        .execute();
    },
    async markSent(key: string): Promise<void> {
      await db
        .updateTable('email_log')
        .set({ status: 'sent', updated_at: nowIso() })
        .where('idempotency_key', '=', key)
        .execute();
    },
  };
}
export type EmailLogRepository = ReturnType<typeof emailLogRepository>;
