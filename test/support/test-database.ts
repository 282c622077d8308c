/**
 * Each stack's own database: a SQLite file in its DATA_DIR, or, with TEST_DATABASE_URL (a
 * PostgreSQL server URL) set, a fresh database on that server, dropped again afterwards.
 */
import fs from 'node:fs';
import path from 'node:path';
import { sql } from 'kysely';
import pg from 'pg';
import type { Store } from '../../src/store';

export async function createTestDatabase(name: string): Promise<string | undefined> {
  const server = process.env.TEST_DATABASE_URL;
  if (!server) return undefined;
  await onServer(server, `CREATE DATABASE ${name}`);
  const url = new URL(server);
  url.pathname = `/${name}`;
  return url.toString();
}

export async function dropTestDatabase(databaseUrl: string): Promise<void> {
  const server = process.env.TEST_DATABASE_URL;
  if (!server || !databaseUrl.startsWith('postgres')) return;
  await onServer(server, `DROP DATABASE IF EXISTS ${new URL(databaseUrl).pathname.slice(1)} WITH (FORCE)`);
}

async function onServer(server: string, statement: string): Promise<void> {
  const admin = new pg.Client({ connectionString: server });
  await admin.connect();
  try {
    await admin.query(statement);
  } finally {
    await admin.end();
  }
}

/**
 * Every stack has its own database but all share the run's Temporal server, where workflow ids are
 * `workorder-<id>`: each stack's workorder ids therefore start in a range of 100,000 of their own.
 * Stacks are numbered through a file of the run (jest gives every test file fresh modules, so a
 * module counter would restart), and ranges stay under 2^31 for PostgreSQL's serial ids.
 */
export async function giveWorkordersTheirOwnIds(store: Store, runDir: string): Promise<void> {
  const counter = path.join(runDir, 'stacks');
  fs.appendFileSync(counter, '.');
  const start = (fs.statSync(counter).size % 20_000) * 100_000;
  if (store.dialect === 'postgres') {
    await sql`select setval('workorders_id_seq', ${start})`.execute(store.db);
  } else {
    await sql`delete from sqlite_sequence where name = 'workorders'`.execute(store.db);
    await sql`insert into sqlite_sequence (name, seq) values ('workorders', ${start})`.execute(store.db);
  }
}
