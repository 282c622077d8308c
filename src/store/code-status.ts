import type { Kysely } from 'kysely';
import type { ActivationStatus, StatusRange } from '../codes/status-ranges';
import { nowIso } from './database';
import type { Database } from './schema';

const INSERT_CHUNK = 1000;

/** Brands' code status changes, stored as sequence ranges per workorder (docs/product.md, Code status). */
export function codeStatusRepository(db: Kysely<Database>) {
  return {
    /** Each workorder's changes, oldest first. */
    async changesOf(workorderIds: readonly number[]): Promise<Map<number, StatusRange[]>> {
      const changes = new Map<number, StatusRange[]>(workorderIds.map((id) => [id, []]));
      if (workorderIds.length === 0) return changes;
      const rows = await db
        .selectFrom('code_status_changes')
        .select(['workorder_id', 'first_sequence', 'last_sequence', 'activation_status'])
        .where('workorder_id', 'in', [...workorderIds])
        .orderBy('id')
        .execute();
      for (const row of rows) {
        changes.get(row.workorder_id)?.push({
          first: row.first_sequence,
          last: row.last_sequence,
          status: row.activation_status as ActivationStatus,
        });
      }
      return changes;
    },

    /** Records ranges of one workorder in one transaction, each later than every change before. */
    async record(workorderId: number, ranges: readonly StatusRange[]): Promise<void> {
      const creationDate = nowIso();
      await db.transaction().execute(async (trx) => {
        // Chunks keep each statement under SQLite's limit of bound parameters.
        for (let start = 0; start < ranges.length; start += INSERT_CHUNK) {
          await trx
            .insertInto('code_status_changes')
            .values(
              ranges.slice(start, start + INSERT_CHUNK).map((r) => ({
                workorder_id: workorderId,
                first_sequence: r.first,
                last_sequence: r.last,
                activation_status: r.status,
                creation_date: creationDate,
              })),
            )
            .execute();
        }
      });
    },
  };
}
export type CodeStatusRepository = ReturnType<typeof codeStatusRepository>;
