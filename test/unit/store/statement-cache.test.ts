/** The prepared-statement cache under Kysely's SQLite driver, on a real SQLite database file. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import { withStatementCache } from '../../../src/store/statement-cache';

let dir: string;
let sqlite: SQLite.Database;

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'statement-cache-'));
  sqlite = new SQLite(path.join(dir, 'test.db'));
  sqlite.exec('create table t (n integer)');
  sqlite.exec('insert into t (n) values (1), (2), (3)');
});

afterEach(() => {
  sqlite.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

test('the same SQL gets the same prepared statement, with its own parameters each call', () => {
  const db = withStatementCache(sqlite);
  const sql = 'select n from t where n >= ? order by n';
  const first = db.prepare(sql);
  expect(db.prepare(sql)).toBe(first);
  expect(first.all([2])).toEqual([{ n: 2 }, { n: 3 }]);
  expect(db.prepare(sql).all([3])).toEqual([{ n: 3 }]);
});

test('the least recently used statement is dropped past the size', () => {
  const db = withStatementCache(sqlite, 2);
  const a = db.prepare('select 1');
  const b = db.prepare('select 2');
  expect(db.prepare('select 1')).toBe(a); // now b is the oldest
  db.prepare('select 3');
  expect(db.prepare('select 1')).toBe(a);
  expect(db.prepare('select 2')).not.toBe(b);
});

test('a statement still being iterated is not handed out again', () => {
  const db = withStatementCache(sqlite);
  const sql = 'select n from t order by n';
  const iterating = db.prepare(sql);
  const rows = iterating.iterate([]);
  expect(rows.next().value).toEqual({ n: 1 });
  const other = db.prepare(sql);
  expect(other).not.toBe(iterating);
  expect(other.all([])).toHaveLength(3);
  expect([...rows]).toEqual([{ n: 2 }, { n: 3 }]);
  expect(db.prepare(sql)).toBe(iterating); // free again
});

test('statements follow schema changes', () => {
  const db = withStatementCache(sqlite);
  const sql = 'select * from t order by n limit 1';
  expect(db.prepare(sql).all([])).toEqual([{ n: 1 }]);
  sqlite.exec("alter table t add column label text not null default 'x'");
  expect(db.prepare(sql).all([])).toEqual([{ n: 1, label: 'x' }]);
});
