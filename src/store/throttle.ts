import { sql, type Kysely } from 'kysely';
import type { Database } from './schema';

/**
 * Per-token request windows in the database, so a limit holds across every API process. One row
 * per token: a fixed window that starts at the token's first request after the last one ended.
 * Counting is one statement (an upsert that returns the count), atomic on SQLite and PostgreSQL:
 * two processes counting the same token at once both see their own increment.
 */
export function throttleRepository(db: Kysely<Database>) {
  return {
    /** Counts one request of `key` at `now`; returns the window it fell in and its count so far. */
    async hit(key: string, now: number, windowMs: number): Promise<{ windowStart: number; count: number }> {
      const expired = sql<boolean>`${now} - throttle_windows.window_start >= ${windowMs}`;
      const row = await db
        .insertInto('throttle_windows')
        .values({ token_key: key, window_start: now, count: 1 })
        .onConflict((oc) =>
          oc.column('token_key').doUpdateSet({
            window_start: sql<number>`case when ${expired} then ${now} else throttle_windows.window_start end`,
            count: sql<number>`case when ${expired} then 1 else throttle_windows.count + 1 end`,
          }),
        )
        .returning(['window_start', 'count'])
        .executeTakeFirstOrThrow();
      return { windowStart: Number(row.window_start), count: Number(row.count) };
    },
    /** Removes windows that ended before `before` (epoch ms); returns how many. */
    async prune(before: number): Promise<number> {
      const result = await db
        .deleteFrom('throttle_windows')
        .where('window_start', '<', before)
        .executeTakeFirst();
      return Number(result.numDeletedRows);
    },
  };
}
export type ThrottleRepository = ReturnType<typeof throttleRepository>;
