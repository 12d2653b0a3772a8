// Opens the SQLite database (WAL) and applies the numbered SQL files in migrations/ that it has not
// seen yet, each in its own transaction, recording them in `schema_migrations`.
import Database from 'better-sqlite3';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export type Db = Database.Database;

/**
 * A repository's `sql(text)`: each statement is prepared once, on first use. Preparing is most of a
 * point query's cost, and these run on every invoke.
 */
export function statementCache(db: Db): (text: string) => Database.Statement {
  const statements = new Map<string, Database.Statement>();
  return (text) => {
    let statement = statements.get(text);
    if (!statement) {
      statement = db.prepare(text);
      statements.set(text, statement);
    }
    return statement;
  };
}

/**
 * Rows the invoke path reads on every call but that change only through the control plane
 * (functions, versions, aliases, reservations, provisioned concurrency), kept between writes. One
 * per database, shared by the repositories of those tables (CachedRepository): any write through
 * one of them, and any failed transaction (its writes are gone), clears it.
 */
class ReadCache {
  private static readonly MAX_ENTRIES = 10_000;
  private readonly entries = new Map<string, unknown>();

  read<T>(key: string, load: () => T): T {
    if (this.entries.has(key)) return this.entries.get(key) as T;
    const value = load();
    if (this.entries.size >= ReadCache.MAX_ENTRIES) this.entries.clear();
    this.entries.set(key, value);
    return value;
  }

  clear(): void {
    this.entries.clear();
  }
}

const readCaches = new WeakMap<Db, ReadCache>();

/** A repository whose reads may be cached: every write goes through write() or a transaction. */
export abstract class CachedRepository {
  protected readonly sql: (text: string) => Database.Statement;
  protected readonly cache: ReadCache;

  constructor(protected readonly db: Db) {
    this.sql = statementCache(db);
    let cache = readCaches.get(db);
    if (!cache) readCaches.set(db, (cache = new ReadCache()));
    this.cache = cache;
  }

  /** Runs fn in a transaction; a failed one leaves nothing it read or wrote in the cache. */
  transaction<T>(fn: () => T): T {
    try {
      return this.db.transaction(fn)();
    } catch (err) {
      this.cache.clear();
      throw err;
    }
  }

  /** Runs a write; every cached read of these tables may be stale after it. */
  protected write(text: string, ...params: unknown[]): Database.RunResult {
    const result = this.sql(text).run(...params);
    this.cache.clear();
    return result;
  }
}

const MIGRATIONS_DIR = fileURLToPath(new URL('../migrations/', import.meta.url));

export function openDatabase(file: string): Db {
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  migrate(db);
  return db;
}

function migrate(db: Db): void {
  db.exec('CREATE TABLE IF NOT EXISTS schema_migrations (id TEXT PRIMARY KEY, applied_at TEXT NOT NULL)');
  const applied = new Set(db.prepare('SELECT id FROM schema_migrations').pluck().all() as string[]);
  const files = readdirSync(MIGRATIONS_DIR).filter((f) => /^\d+_.*\.sql$/.test(f)).sort();
  for (const file of files) {
    if (applied.has(file)) continue;
    const sql = readFileSync(MIGRATIONS_DIR + file, 'utf8');
    db.transaction(() => {
      db.exec(sql);
      db.prepare('INSERT INTO schema_migrations (id, applied_at) VALUES (?, ?)').run(file, new Date().toISOString());
    })();
  }
}
