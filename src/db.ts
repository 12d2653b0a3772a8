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
 * (functions, versions, aliases, reservations), kept between writes. The repositories that own
 * those tables clear it on every write and on every transaction that fails (its writes are gone).
 * One per database, shared by those repositories.
 */
export class ReadCache {
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

  /** Runs fn in a transaction; a failed one leaves nothing it read or wrote in the cache. */
  transaction<T>(db: Db, fn: () => T): T {
    try {
      return db.transaction(fn)();
    } catch (err) {
      this.clear();
      throw err;
    }
  }
}

const readCaches = new WeakMap<Db, ReadCache>();

export function readCache(db: Db): ReadCache {
  let cache = readCaches.get(db);
  if (!cache) readCaches.set(db, (cache = new ReadCache()));
  return cache;
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
