// SQL for event invoke configurations (migrations/003_async_events.sql), and nothing else.
import type { Statement } from 'better-sqlite3';
import { statementCache, type Db } from '../db.js';

export interface EventInvokeConfig {
  readonly functionName: string;
  /** `$LATEST`, a version number or an alias name. */
  readonly qualifier: string;
  readonly maximumRetryAttempts: number | undefined;
  readonly maximumEventAgeSeconds: number | undefined;
  readonly onSuccess: string | undefined;
  readonly onFailure: string | undefined;
  readonly lastModifiedMs: number;
}

interface ConfigRow {
  function_name: string;
  qualifier: string;
  maximum_retry_attempts: number | null;
  maximum_event_age_seconds: number | null;
  on_success: string | null;
  on_failure: string | null;
  last_modified_ms: number;
}

const toConfig = (r: ConfigRow): EventInvokeConfig => ({
  functionName: r.function_name,
  qualifier: r.qualifier,
  maximumRetryAttempts: r.maximum_retry_attempts ?? undefined,
  maximumEventAgeSeconds: r.maximum_event_age_seconds ?? undefined,
  onSuccess: r.on_success ?? undefined,
  onFailure: r.on_failure ?? undefined,
  lastModifiedMs: r.last_modified_ms,
});

export class EventInvokeConfigRepository {
  private readonly sql: (text: string) => Statement;

  constructor(private readonly db: Db) {
    this.sql = statementCache(db);
  }

  transaction<T>(fn: () => T): T {
    return this.db.transaction(fn)();
  }

  get(functionName: string, qualifier: string): EventInvokeConfig | undefined {
    const row = this.sql('SELECT * FROM event_invoke_configs WHERE function_name = ? AND qualifier = ?')
      .get(functionName, qualifier) as ConfigRow | undefined;
    return row && toConfig(row);
  }

  put(c: EventInvokeConfig): void {
    this.sql(
        `INSERT OR REPLACE INTO event_invoke_configs
           (function_name, qualifier, maximum_retry_attempts, maximum_event_age_seconds, on_success, on_failure, last_modified_ms)
         VALUES (?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(c.functionName, c.qualifier, c.maximumRetryAttempts ?? null, c.maximumEventAgeSeconds ?? null,
        c.onSuccess ?? null, c.onFailure ?? null, c.lastModifiedMs);
  }

  delete(functionName: string, qualifier: string): boolean {
    return this.sql('DELETE FROM event_invoke_configs WHERE function_name = ? AND qualifier = ?')
      .run(functionName, qualifier).changes > 0;
  }

  list(functionName: string, afterQualifier: string, limit: number): EventInvokeConfig[] {
    const rows = this.sql(
        `SELECT * FROM event_invoke_configs WHERE function_name = ? AND qualifier > ?
         ORDER BY qualifier LIMIT ?`,
      )
      .all(functionName, afterQualifier, limit) as ConfigRow[];
    return rows.map(toConfig);
  }
}
