import type { Kysely } from 'kysely';
import { Codegen } from '../shared/workorder';
import type { Database } from '../store/schema';

export interface WorkorderTotal {
  type: string;
  state: string;
  /** codegen_status by name: waiting, generating, completed, failed. */
  codegen: string;
  count: number;
}

const CODEGEN_NAMES = new Map<number, string>(Object.entries(Codegen).map(([name, code]) => [code, name]));

/**
 * Workorders by type, state and codegen status, in one grouped COUNT: the database is the record,
 * so totals are right across API restarts and many API processes (each reports the same numbers).
 */
export function workorderCounter(db: Kysely<Database>): () => Promise<WorkorderTotal[]> {
  return async () => {
    const rows = await db
      .selectFrom('workorders')
      .select(['type', 'state', 'codegen_status'])
      .select((eb) => eb.fn.countAll<number | string>().as('count'))
      .groupBy(['type', 'state', 'codegen_status'])
      .execute();
    return rows.map((r) => ({
      type: r.type,
      state: r.state,
      codegen: CODEGEN_NAMES.get(r.codegen_status) ?? String(r.codegen_status),
      count: Number(r.count),
    }));
  };
}
