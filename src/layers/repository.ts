// SQL for layers and layer versions, and nothing else: rules live in the services.
import type { Statement } from 'better-sqlite3';
import { statementCache, type Db } from '../db.js';
import type { LayerStatement, LayerVersionRecord } from './model.js';

interface VersionRow {
  layer_name: string;
  version: number;
  description: string;
  license_info: string | null;
  compatible_runtimes: string | null;
  compatible_architectures: string | null;
  code_sha256: string;
  code_size: number;
  unzipped_size: number;
  created_date: string;
  policy: string;
  policy_revision_id: string | null;
  deleted: number;
}

const toVersion = (r: VersionRow): LayerVersionRecord => ({
  layerName: r.layer_name,
  version: r.version,
  description: r.description,
  licenseInfo: r.license_info ?? undefined,
  compatibleRuntimes: r.compatible_runtimes === null ? undefined : (JSON.parse(r.compatible_runtimes) as string[]),
  compatibleArchitectures: r.compatible_architectures === null ? undefined : (JSON.parse(r.compatible_architectures) as string[]),
  codeSha256Hex: r.code_sha256,
  codeSize: r.code_size,
  unzippedSize: r.unzipped_size,
  createdDate: r.created_date,
  policyStatements: JSON.parse(r.policy) as LayerStatement[],
  policyRevisionId: r.policy_revision_id ?? undefined,
  deleted: r.deleted !== 0,
});

/** ListLayers / ListLayerVersions filters: a version matches when its list names the value. */
export interface CompatibilityFilter {
  readonly runtime: string | undefined;
  readonly architecture: string | undefined;
}

// A version without CompatibleRuntimes (or CompatibleArchitectures) matches no filter on them.
const MATCHES = `
  (@runtime IS NULL OR EXISTS (SELECT 1 FROM json_each(v.compatible_runtimes) WHERE value = @runtime))
  AND (@architecture IS NULL OR EXISTS (SELECT 1 FROM json_each(v.compatible_architectures) WHERE value = @architecture))`;

export class LayerRepository {
  private readonly sql: (text: string) => Statement;

  constructor(private readonly db: Db) {
    this.sql = statementCache(db);
  }

  transaction<T>(fn: () => T): T {
    return this.db.transaction(fn)();
  }

  /** Takes the layer's next version number (creating the layer on first use); call in a transaction. */
  takeVersionNumber(name: string): number {
    this.sql('INSERT INTO layers (name, next_version) VALUES (?, 1) ON CONFLICT (name) DO NOTHING').run(name);
    const next = this.sql('SELECT next_version FROM layers WHERE name = ?').pluck().get(name) as number;
    this.sql('UPDATE layers SET next_version = ? WHERE name = ?').run(next + 1, name);
    return next;
  }

  insertVersion(v: LayerVersionRecord): void {
    this.sql(
        `INSERT INTO layer_versions (layer_name, version, description, license_info, compatible_runtimes,
           compatible_architectures, code_sha256, code_size, unzipped_size, created_date, policy, policy_revision_id, deleted)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(v.layerName, v.version, v.description, v.licenseInfo ?? null,
        v.compatibleRuntimes === undefined ? null : JSON.stringify(v.compatibleRuntimes),
        v.compatibleArchitectures === undefined ? null : JSON.stringify(v.compatibleArchitectures),
        v.codeSha256Hex, v.codeSize, v.unzippedSize, v.createdDate, JSON.stringify(v.policyStatements),
        v.policyRevisionId ?? null, v.deleted ? 1 : 0);
  }

  /** The version, deleted or not: functions keep running deleted versions. */
  getVersion(name: string, version: number): LayerVersionRecord | undefined {
    const row = this.sql('SELECT * FROM layer_versions WHERE layer_name = ? AND version = ?')
      .get(name, version) as VersionRow | undefined;
    return row && toVersion(row);
  }

  /** Live versions of one layer, newest first, below `beforeVersion`. */
  listVersions(name: string, filter: CompatibilityFilter, beforeVersion: number, limit: number): LayerVersionRecord[] {
    const rows = this.sql(
        `SELECT * FROM layer_versions v WHERE layer_name = @name AND deleted = 0 AND version < @before AND ${MATCHES}
         ORDER BY version DESC LIMIT @limit`,
      )
      .all({ name, before: beforeVersion, limit, ...filter }) as VersionRow[];
    return rows.map(toVersion);
  }

  /** For each layer after `afterName` (name order), its newest live version that matches. */
  listLatestMatching(filter: CompatibilityFilter, afterName: string, limit: number): LayerVersionRecord[] {
    const rows = this.sql(
        `SELECT * FROM layer_versions v WHERE v.layer_name > @after AND v.deleted = 0 AND ${MATCHES}
           AND v.version = (SELECT MAX(w.version) FROM layer_versions w
                            WHERE w.layer_name = v.layer_name AND w.deleted = 0 AND ${MATCHES.replaceAll('v.', 'w.')})
         ORDER BY v.layer_name LIMIT @limit`,
      )
      .all({ after: afterName, limit, ...filter }) as VersionRow[];
    return rows.map(toVersion);
  }

  markDeleted(name: string, version: number): void {
    this.sql('UPDATE layer_versions SET deleted = 1 WHERE layer_name = ? AND version = ?').run(name, version);
  }

  updatePolicy(name: string, version: number, statements: readonly LayerStatement[], revisionId: string): void {
    this.sql('UPDATE layer_versions SET policy = ?, policy_revision_id = ? WHERE layer_name = ? AND version = ?')
      .run(JSON.stringify(statements), revisionId, name, version);
  }

  /** Whether any layer version, deleted ones included, uses this code digest (so its files must stay). */
  codeInUse(sha256Hex: string): boolean {
    return this.sql('SELECT 1 FROM layer_versions WHERE code_sha256 = ? LIMIT 1').get(sha256Hex) !== undefined;
  }
}
