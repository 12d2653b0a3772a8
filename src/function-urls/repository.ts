// SQL for function URL configurations (migrations/004_function_urls.sql), and nothing else.
import type { Statement } from 'better-sqlite3';
import { statementCache, type Db } from '../db.js';

export type AuthType = 'NONE' | 'AWS_IAM';
export type InvokeMode = 'BUFFERED' | 'RESPONSE_STREAM';

/** The service model's Cors shape, as the caller gave it. */
export interface CorsConfig {
  readonly AllowCredentials?: boolean;
  readonly AllowHeaders?: string[];
  readonly AllowMethods?: string[];
  readonly AllowOrigins?: string[];
  readonly ExposeHeaders?: string[];
  readonly MaxAge?: number;
}

export interface FunctionUrlConfig {
  readonly functionName: string;
  /** `$LATEST` for an unqualified URL, else an alias name. */
  readonly qualifier: string;
  readonly urlId: string;
  readonly authType: AuthType;
  readonly cors: CorsConfig | undefined;
  /** Undefined until a request names one. */
  readonly invokeMode: InvokeMode | undefined;
  readonly creationTime: string;
  readonly lastModified: string;
}

interface Row {
  function_name: string;
  qualifier: string;
  url_id: string;
  auth_type: string;
  cors: string | null;
  invoke_mode: string | null;
  creation_time: string;
  last_modified: string;
}

const toConfig = (r: Row): FunctionUrlConfig => ({
  functionName: r.function_name,
  qualifier: r.qualifier,
  urlId: r.url_id,
  authType: r.auth_type as AuthType,
  cors: r.cors === null ? undefined : (JSON.parse(r.cors) as CorsConfig),
  invokeMode: (r.invoke_mode ?? undefined) as InvokeMode | undefined,
  creationTime: r.creation_time,
  lastModified: r.last_modified,
});

export class FunctionUrlRepository {
  private readonly sql: (text: string) => Statement;

  constructor(private readonly db: Db) {
    this.sql = statementCache(db);
  }

  transaction<T>(fn: () => T): T {
    return this.db.transaction(fn)();
  }

  get(functionName: string, qualifier: string): FunctionUrlConfig | undefined {
    const row = this.sql('SELECT * FROM function_url_configs WHERE function_name = ? AND qualifier = ?')
      .get(functionName, qualifier) as Row | undefined;
    return row && toConfig(row);
  }

  byUrlId(urlId: string): FunctionUrlConfig | undefined {
    const row = this.sql('SELECT * FROM function_url_configs WHERE url_id = ?').get(urlId) as Row | undefined;
    return row && toConfig(row);
  }

  insert(c: FunctionUrlConfig): void {
    this.sql(
      `INSERT INTO function_url_configs
         (function_name, qualifier, url_id, auth_type, cors, invoke_mode, creation_time, last_modified)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    ).run(c.functionName, c.qualifier, c.urlId, c.authType, c.cors === undefined ? null : JSON.stringify(c.cors),
      c.invokeMode ?? null, c.creationTime, c.lastModified);
  }

  update(c: FunctionUrlConfig): void {
    this.sql(
      `UPDATE function_url_configs SET auth_type = ?, cors = ?, invoke_mode = ?, last_modified = ?
       WHERE function_name = ? AND qualifier = ?`,
    ).run(c.authType, c.cors === undefined ? null : JSON.stringify(c.cors), c.invokeMode ?? null, c.lastModified,
      c.functionName, c.qualifier);
  }

  delete(functionName: string, qualifier: string): boolean {
    return this.sql('DELETE FROM function_url_configs WHERE function_name = ? AND qualifier = ?')
      .run(functionName, qualifier).changes > 0;
  }

  /** `$LATEST` sorts before every alias name (an alias cannot start with `$`). */
  list(functionName: string, afterQualifier: string, limit: number): FunctionUrlConfig[] {
    const rows = this.sql(
      `SELECT * FROM function_url_configs WHERE function_name = ? AND qualifier > ?
       ORDER BY qualifier LIMIT ?`,
    ).all(functionName, afterQualifier, limit) as Row[];
    return rows.map(toConfig);
  }
}
