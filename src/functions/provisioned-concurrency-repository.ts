// SQL for provisioned concurrency configurations (migrations/006_provisioned_concurrency.sql), and nothing else.
import { CachedRepository } from '../db.js';

export interface ProvisionedConfig {
  readonly functionName: string;
  /** A version number or an alias name. */
  readonly qualifier: string;
  readonly requested: number;
  /** AWS's LastModified text, e.g. 2024-05-01T12:34:56.789+0000 */
  readonly lastModified: string;
}

interface ConfigRow {
  function_name: string;
  qualifier: string;
  requested: number;
  last_modified: string;
}

const toConfig = (r: ConfigRow): ProvisionedConfig => ({
  functionName: r.function_name,
  qualifier: r.qualifier,
  requested: r.requested,
  lastModified: r.last_modified,
});

/** Its cache is FunctionRepository's too: the invoke path's sums below join both tables. */
export class ProvisionedConcurrencyRepository extends CachedRepository {
  get(functionName: string, qualifier: string): ProvisionedConfig | undefined {
    const row = this.sql('SELECT * FROM provisioned_concurrency_configs WHERE function_name = ? AND qualifier = ?')
      .get(functionName, qualifier) as ConfigRow | undefined;
    return row && toConfig(row);
  }

  put(c: ProvisionedConfig): void {
    this.write(
      `INSERT OR REPLACE INTO provisioned_concurrency_configs (function_name, qualifier, requested, last_modified)
       VALUES (?, ?, ?, ?)`,
      c.functionName, c.qualifier, c.requested, c.lastModified,
    );
  }

  delete(functionName: string, qualifier: string): boolean {
    return this.write('DELETE FROM provisioned_concurrency_configs WHERE function_name = ? AND qualifier = ?', functionName, qualifier)
      .changes > 0;
  }

  /** Every configuration of a function, by qualifier. */
  list(functionName: string): ProvisionedConfig[] {
    const rows = this.sql('SELECT * FROM provisioned_concurrency_configs WHERE function_name = ? ORDER BY qualifier')
      .all(functionName) as ConfigRow[];
    return rows.map(toConfig);
  }

  /** Names of the functions that have at least one configuration (start-up). */
  functionNames(): string[] {
    return this.sql('SELECT DISTINCT function_name FROM provisioned_concurrency_configs ORDER BY function_name')
      .pluck()
      .all() as string[];
  }

  /** A function's provisioned concurrency, every qualifier together (read on every invoke). */
  totalFor(functionName: string): number {
    return this.cache.read(`provisioned\0${functionName}`, () =>
      this.sql('SELECT COALESCE(SUM(requested), 0) FROM provisioned_concurrency_configs WHERE function_name = ?')
        .pluck()
        .get(functionName) as number,
    );
  }

  /**
   * Provisioned concurrency of the functions without a reservation, which AWS takes out of the
   * account's unreserved pool ("Configuring provisioned concurrency"); one function left out.
   */
  totalOutsideReservations(exceptName: string): number {
    return this.cache.read(`provisioned-outside\0${exceptName}`, () =>
      this.sql(
        `SELECT COALESCE(SUM(p.requested), 0) FROM provisioned_concurrency_configs p
           JOIN functions f ON f.name = p.function_name
         WHERE f.reserved_concurrency IS NULL AND f.name != ?`,
      )
        .pluck()
        .get(exceptName) as number,
    );
  }
}
