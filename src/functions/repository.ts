// SQL for functions, versions and aliases, and nothing else: rules live in the services.
import { CachedRepository } from '../db.js';
import type { AliasRecord, FunctionRecord, FunctionVersion, PolicyStatement, VersionConfig } from './model.js';
import { LATEST } from './model.js';

interface FunctionRow {
  name: string;
  created_at: string;
  next_version: number;
  tags: string;
  reserved_concurrency: number | null;
  policy: string;
  policy_revision_id: string;
}

interface VersionRow {
  function_name: string;
  version: string;
  config: string;
  code_sha256: string;
  code_size: number;
  image_uri: string | null;
  last_modified: string;
  revision_id: string;
}

interface AliasRow {
  function_name: string;
  name: string;
  function_version: string;
  description: string;
  routing: string;
  revision_id: string;
}

const toFunction = (r: FunctionRow): FunctionRecord => ({
  name: r.name,
  createdAt: r.created_at,
  nextVersion: r.next_version,
  tags: JSON.parse(r.tags) as Record<string, string>,
  reservedConcurrency: r.reserved_concurrency ?? undefined,
  policyStatements: JSON.parse(r.policy) as PolicyStatement[],
  policyRevisionId: r.policy_revision_id,
});

const toVersion = (r: VersionRow): FunctionVersion => ({
  functionName: r.function_name,
  version: r.version,
  config: JSON.parse(r.config) as VersionConfig,
  codeSha256Hex: r.code_sha256,
  codeSize: r.code_size,
  imageUri: r.image_uri ?? undefined,
  lastModified: r.last_modified,
  revisionId: r.revision_id,
});

const toAlias = (r: AliasRow): AliasRecord => ({
  functionName: r.function_name,
  name: r.name,
  functionVersion: r.function_version,
  description: r.description,
  additionalVersionWeights: JSON.parse(r.routing) as Record<string, number>,
  revisionId: r.revision_id,
});

const versionNumber = (version: string): number => (version === LATEST ? 0 : Number(version));

export class FunctionRepository extends CachedRepository {
  getFunction(name: string): FunctionRecord | undefined {
    return this.cache.read(`function\0${name}`, () => {
      const row = this.sql('SELECT * FROM functions WHERE name = ?').get(name) as FunctionRow | undefined;
      return row && toFunction(row);
    });
  }

  insertFunction(fn: FunctionRecord): void {
    this.write(
      `INSERT INTO functions (name, created_at, next_version, tags, reserved_concurrency, policy, policy_revision_id)
       VALUES (?, ?, ?, ?, ?, ?, ?)`,
      fn.name, fn.createdAt, fn.nextVersion, JSON.stringify(fn.tags), fn.reservedConcurrency ?? null,
      JSON.stringify(fn.policyStatements), fn.policyRevisionId);
  }

  updateFunction(fn: FunctionRecord): void {
    this.write(
      `UPDATE functions SET next_version = ?, tags = ?, reserved_concurrency = ?, policy = ?, policy_revision_id = ?
       WHERE name = ?`,
      fn.nextVersion, JSON.stringify(fn.tags), fn.reservedConcurrency ?? null,
      JSON.stringify(fn.policyStatements), fn.policyRevisionId, fn.name);
  }

  deleteFunction(name: string): void {
    this.write('DELETE FROM functions WHERE name = ?', name);
  }

  /** Functions after `afterName` in name order, with their `$LATEST`. */
  listLatest(afterName: string, limit: number): FunctionVersion[] {
    const rows = this.sql(
        `SELECT * FROM function_versions WHERE version = '$LATEST' AND function_name > ?
         ORDER BY function_name LIMIT ?`,
      )
      .all(afterName, limit) as VersionRow[];
    return rows.map(toVersion);
  }

  /** Every version of every function after the key (name, version number), in that order. */
  listAllVersions(afterName: string, afterNumber: number, limit: number): FunctionVersion[] {
    const rows = this.sql(
        `SELECT * FROM function_versions WHERE (function_name, version_number) > (?, ?)
         ORDER BY function_name, version_number LIMIT ?`,
      )
      .all(afterName, afterNumber, limit) as VersionRow[];
    return rows.map(toVersion);
  }

  listVersions(name: string, afterNumber: number, limit: number): FunctionVersion[] {
    const rows = this.sql(
        `SELECT * FROM function_versions WHERE function_name = ? AND version_number > ?
         ORDER BY version_number LIMIT ?`,
      )
      .all(name, afterNumber, limit) as VersionRow[];
    return rows.map(toVersion);
  }

  getVersion(name: string, version: string): FunctionVersion | undefined {
    return this.cache.read(`version\0${name}\0${version}`, () => {
      const row = this.sql('SELECT * FROM function_versions WHERE function_name = ? AND version = ?')
        .get(name, version) as VersionRow | undefined;
      return row && toVersion(row);
    });
  }

  /** The highest published version, if any. */
  lastPublished(name: string): FunctionVersion | undefined {
    const row = this.sql(
        `SELECT * FROM function_versions WHERE function_name = ? AND version_number > 0
         ORDER BY version_number DESC LIMIT 1`,
      )
      .get(name) as VersionRow | undefined;
    return row && toVersion(row);
  }

  /** Inserts a version, or replaces `$LATEST` (published versions are only ever inserted). */
  putVersion(v: FunctionVersion): void {
    this.write(
      `INSERT INTO function_versions
         (function_name, version, version_number, config, code_sha256, code_size, image_uri, last_modified, revision_id)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (function_name, version) DO UPDATE SET
         config = excluded.config, code_sha256 = excluded.code_sha256, code_size = excluded.code_size,
         image_uri = excluded.image_uri, last_modified = excluded.last_modified, revision_id = excluded.revision_id
       WHERE function_versions.version = '$LATEST'`,
      v.functionName, v.version, versionNumber(v.version), JSON.stringify(v.config), v.codeSha256Hex,
      v.codeSize, v.imageUri ?? null, v.lastModified, v.revisionId);
  }

  deleteVersion(name: string, version: string): void {
    this.write('DELETE FROM function_versions WHERE function_name = ? AND version = ?', name, version);
  }

  /** Whether any stored version still uses this code digest (so its files must stay). */
  codeInUse(sha256Hex: string): boolean {
    return this.sql('SELECT 1 FROM function_versions WHERE code_sha256 = ? LIMIT 1').get(sha256Hex) !== undefined;
  }

  getAlias(functionName: string, name: string): AliasRecord | undefined {
    return this.cache.read(`alias\0${functionName}\0${name}`, () => {
      const row = this.sql('SELECT * FROM aliases WHERE function_name = ? AND name = ?')
        .get(functionName, name) as AliasRow | undefined;
      return row && toAlias(row);
    });
  }

  listAliases(functionName: string, version: string | undefined, afterName: string, limit: number): AliasRecord[] {
    const rows = this.sql(
        `SELECT * FROM aliases WHERE function_name = ? AND name > ?
           AND (? IS NULL OR function_version = ? OR json_extract(routing, '$."' || ? || '"') IS NOT NULL)
         ORDER BY name LIMIT ?`,
      )
      .all(functionName, afterName, version ?? null, version ?? null, version ?? null, limit) as AliasRow[];
    return rows.map(toAlias);
  }

  /** Aliases whose primary or additional version is `version`. */
  aliasesUsingVersion(functionName: string, version: string): string[] {
    return this.listAliases(functionName, version, '', 10_000).map((a) => a.name);
  }

  putAlias(a: AliasRecord): void {
    this.write(
      `INSERT INTO aliases (function_name, name, function_version, description, routing, revision_id)
       VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (function_name, name) DO UPDATE SET function_version = excluded.function_version,
         description = excluded.description, routing = excluded.routing, revision_id = excluded.revision_id`,
      a.functionName, a.name, a.functionVersion, a.description, JSON.stringify(a.additionalVersionWeights), a.revisionId);
  }

  deleteAlias(functionName: string, name: string): void {
    this.write('DELETE FROM aliases WHERE function_name = ? AND name = ?', functionName, name);
  }

  /** Sum of reserved concurrency over all functions except `exceptName`. */
  totalReserved(exceptName: string): number {
    return this.cache.read(`reserved\0${exceptName}`, () =>
      this.sql('SELECT COALESCE(SUM(reserved_concurrency), 0) FROM functions WHERE name != ?').pluck().get(exceptName) as number,
    );
  }

  accountUsage(): { totalCodeSize: number; functionCount: number } {
    const row = this.sql(
        `SELECT (SELECT COUNT(*) FROM functions) AS functionCount,
                (SELECT COALESCE(SUM(code_size), 0) FROM function_versions) AS totalCodeSize`,
      )
      .get() as { functionCount: number; totalCodeSize: number };
    return row;
  }
}
