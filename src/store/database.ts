import fs from 'node:fs';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import {
  Kysely,
  PostgresDialect,
  sql,
  SqliteDialect,
  type RawBuilder,
  type Selectable,
  type SelectQueryBuilder,
} from 'kysely';
import pg from 'pg';
import { migrateToLatest } from './migrations';
import { withStatementCache } from './statement-cache';
import type { Database } from './schema';

export type Dialect = 'sqlite' | 'postgres';

export interface Store {
  db: Kysely<Database>;
  dialect: Dialect;
  close(): Promise<void>;
}

/**
 * Opens the database named by DATABASE_URL (`sqlite:<file>` or `postgres://...`) and brings its
 * schema up to date; both run the same migrations and queries.
 */
export async function openStore(databaseUrl: string): Promise<Store> {
  if (databaseUrl.startsWith('sqlite:')) {
    const file = databaseUrl.slice('sqlite:'.length);
    if (file !== ':memory:') fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
    const sqlite = new SQLite(file);
    // WAL lets the operator CLI and the worker write while the API reads.
    sqlite.pragma('journal_mode = WAL');
    sqlite.pragma('busy_timeout = 10000');
    sqlite.pragma('foreign_keys = ON');
    sqlite.pragma('synchronous = NORMAL');
    const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: withStatementCache(sqlite) }) });
    await migrateToLatest(db as Kysely<unknown>, 'sqlite');
    return { db, dialect: 'sqlite', close: () => db.destroy() };
  }
  if (/^postgres(ql)?:\/\//.test(databaseUrl)) {
    // Code indexes and counters are bigint columns; their values stay below 2^53, so numbers are exact.
    pg.types.setTypeParser(pg.types.builtins.INT8, (value: string) => Number(value));
    const pool = new pg.Pool({ connectionString: databaseUrl, max: 10, connectionTimeoutMillis: 5000 });
    pool.on('error', () => undefined); // an idle client's lost connection is retried by the next query
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
    await migrateToLatest(db as Kysely<unknown>, 'postgres');
    return { db, dialect: 'postgres', close: () => db.destroy() };
  }
  throw new Error(
    `Unsupported DATABASE_URL scheme: ${databaseUrl.split(':')[0]} (expected sqlite: or postgres:)`,
  );
}

export function nowIso(): string {
  return new Date().toISOString();
}

/** True when the error is a violated unique constraint (the database's answer to a race). */
export function isUniqueViolation(err: unknown): boolean {
  const e = err as { code?: string; message?: string };
  return (
    e?.code === 'SQLITE_CONSTRAINT_UNIQUE' ||
    e?.code === 'SQLITE_CONSTRAINT_PRIMARYKEY' ||
    e?.code === '23505' ||
    /UNIQUE constraint failed/.test(e?.message ?? '')
  );
}

/** `lower(column) LIKE %search%` on any of the columns, the search's own wildcards escaped. */
export function containsAny(columns: string[], search: string): RawBuilder<boolean> {
  const pattern = `%${search.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  const tests = columns.map((column) => sql`lower(${sql.ref(column)}) like lower(${pattern}) escape '\\'`);
  return sql<boolean>`(${sql.join(tests, sql` or `)})`;
}

/** How a list may be ordered: `-` before the column orders descending; ties are broken by id. */
export const ORDERINGS = ['id', '-id', 'creation_date', '-creation_date'] as const;

export interface PageRequest {
  ordering: (typeof ORDERINGS)[number];
  limit: number;
  offset: number;
}

/** One page of the filtered rows and the count of all of them, for the paged list endpoints. */
export async function orderedPage<
  T extends 'workorders' | 'products' | 'templates' | 'brands' | 'equipment' | 'substrates' | 'partnerships',
>(
  filtered: SelectQueryBuilder<Database, T, object>,
  page: PageRequest,
): Promise<{ rows: Selectable<Database[T]>[]; count: number }> {
  const column = page.ordering.replace('-', '');
  const direction = page.ordering.startsWith('-') ? sql`desc` : sql`asc`;
  const [rows, total] = await Promise.all([
    filtered
      .selectAll()
      .orderBy(sql`${sql.ref(column)} ${direction}`)
      .orderBy(sql`${sql.ref('id')} ${direction}`)
      .limit(page.limit)
      .offset(page.offset)
      .execute(),
    filtered.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
  ]);
  // selectAll() over a generic table has a type TypeScript cannot reduce; it is the table row.
  return { rows: rows as unknown as Selectable<Database[T]>[], count: Number(total.n) };
}
