// The rules of functions and versions: create, read, list, update, delete, publish.
import { randomUUID } from 'node:crypto';
import { AwsError, conflict, invalidParameter, notFound } from '../errors.js';
import type { Arns, FunctionRef } from './arn.js';
import { VERSION_NUMBER } from './arn.js';
import {
  checkConfigMembers, checkCreateMembers, checkPackageType, codeLocation, type CodeInput, type CodeLocation, type DeploymentPackages,
} from './deployment-package.js';
import { imageSpecOf } from './image.js';
import { LATEST, type AliasRecord, type FunctionRecord, type FunctionVersion, type VersionConfig } from './model.js';
import { decodeMarker, maxItems, page } from './paging.js';
import { awsTimestamp, codeSha256, renderConfiguration, renderListed, type FunctionConfigurationShape } from './render.js';
import type { FunctionRepository } from './repository.js';
import { applyConfig, checkArchitectures, checkRole, DEFAULT_CONFIG, type ConfigInput } from './validate.js';
import { checkTags } from './tags.js';
import type { RuntimeTarget } from '../execution/types.js';

export interface CreateInput extends ConfigInput {
  FunctionName: string;
  Code: CodeInput;
  PackageType?: string;
  Publish?: boolean;
  Architectures?: string[];
  Tags?: Record<string, string>;
}

export interface UpdateCodeInput extends CodeInput {
  Publish?: boolean;
  DryRun?: boolean;
  RevisionId?: string;
  Architectures?: string[];
}

// "ListFunctions returns a maximum of 50 items in each response, even if you set the number higher"
// (the service model's MaxItems documentation; the same for ListVersionsByFunction).
const MAX_PAGE = 50;

/** What the function service tells the execution side about. */
export interface FunctionHooks {
  /** A version's environments must go: its code or configuration changed, or it is gone. */
  retire(functionName: string, version?: string): void;
  /** A function was created or updated with a runtime this machine cannot run (said, not refused). */
  runtimeUnsupported(functionName: string, reason: string): void;
  runtimeSupport(target: RuntimeTarget): { ok: true } | { ok: false; reason: string };
}

/** What the function service needs of layers (src/layers/service.ts). */
export interface FunctionLayers {
  /** Each ARN names an existing version of a layer in this region, one version per layer (AWS's checks). */
  checkExisting(layerArns: readonly string[]): void;
  /** The function's unzipped code plus these layers stays within AWS's 250 MB. */
  checkSize(layerArns: readonly string[], codeSha256Hex: string): Promise<void>;
  /** The layer version's CodeSize, for the configuration's Layers member. */
  codeSize(layerArn: string): number;
  /** The merged /opt tree of these layers, in order; undefined without layers. */
  optDirFor(layerArns: readonly string[]): string | undefined;
}

/** `api` names the read that returns the current RevisionId, as AWS's message does (GetPolicy for policies). */
export function checkRevision(expected: string | undefined, actual: string, api = 'GetFunction/GetAlias'): void {
  if (expected !== undefined && expected !== actual) {
    throw new AwsError(
      'PreconditionFailedException',
      `The Revision Id provided does not match the latest Revision Id. Call the ${api} API to retrieve the latest Revision Id`,
    );
  }
}

export class FunctionService {
  constructor(
    private readonly repo: FunctionRepository,
    private readonly packages: DeploymentPackages,
    private readonly arns: Arns,
    private readonly codeUrl: (sha256Hex: string) => string,
    private readonly hooks: FunctionHooks,
    private readonly layers: FunctionLayers,
  ) {}

  private readonly layerSize = (layerArn: string): number => this.layers.codeSize(layerArn);

  /** A version as the API shows it (FunctionConfiguration), layer sizes included. */
  render(v: FunctionVersion, asQualified?: string): FunctionConfigurationShape {
    return renderConfiguration(v, this.arns, asQualified, this.layerSize);
  }

  /**
   * The /opt tree an environment of this version sees (EnvironmentSpec.optDir), or undefined when
   * it has no layers. Fixed per version: a published version's layers never change.
   */
  optDirFor(v: FunctionVersion): string | undefined {
    return this.layers.optDirFor(v.config.layers);
  }

  private retire(functionName: string, version?: string): void {
    this.hooks.retire(functionName, version);
  }

  /**
   * AWS accepts any runtime of its list, and any image; lambdalite says when this machine cannot run
   * it (the process executor runs no images).
   */
  private noteRuntime(v: FunctionVersion): void {
    const image = imageSpecOf(v);
    const support = this.hooks.runtimeSupport({ runtime: v.config.runtime ?? '', ...(image && { image }) });
    if (!support.ok) this.hooks.runtimeUnsupported(v.functionName, support.reason);
  }

  async create(input: CreateInput): Promise<FunctionConfigurationShape> {
    const name = input.FunctionName;
    const packageType = checkPackageType(input.PackageType);
    if (input.Role === undefined) throw invalidParameter('Role is required.');
    checkRole(input.Role);
    checkCreateMembers(packageType, input);
    const base: VersionConfig = {
      ...DEFAULT_CONFIG,
      role: input.Role,
      runtime: undefined,
      handler: undefined,
      packageType,
      architectures: input.Architectures ? checkArchitectures(input.Architectures) : DEFAULT_CONFIG.architectures,
    };
    const config = applyConfig(base, input);
    const tags = checkTags(input.Tags ?? {});
    if (this.repo.getFunction(name)) throw conflict(`Function already exist: ${name}`);
    this.layers.checkExisting(config.layers);
    const stored = await this.packages.forCreate(packageType, input.Code);
    await this.prepareLayers(config.layers, stored.sha256Hex);
    const latest: FunctionVersion = {
      functionName: name,
      version: LATEST,
      config,
      codeSha256Hex: stored.sha256Hex,
      codeSize: stored.size,
      imageUri: stored.imageUri,
      lastModified: awsTimestamp(),
      revisionId: randomUUID(),
    };
    const fn: FunctionRecord = {
      name,
      createdAt: latest.lastModified,
      nextVersion: 1,
      tags,
      reservedConcurrency: undefined,
      policyStatements: [],
      policyRevisionId: randomUUID(),
    };
    // The code store is written before this transaction; a name taken meanwhile still fails here.
    this.repo.transaction(() => {
      if (this.repo.getFunction(name)) throw conflict(`Function already exist: ${name}`);
      this.repo.insertFunction(fn);
      this.repo.putVersion(latest);
    });
    this.noteRuntime(latest);
    const result = input.Publish ? this.publish(name, {}) : latest;
    return this.render(result);
  }

  /**
   * The version a qualifier names: `$LATEST` (or none), a number, or an alias — its primary version,
   * or whichever version `pick` draws from the alias (weighted routing on invoke).
   */
  resolve(ref: FunctionRef, pick: (alias: AliasRecord) => string = (a) => a.functionVersion): FunctionVersion {
    const fn = this.requireFunction(ref.name);
    const q = ref.qualifier ?? LATEST;
    let version = q;
    if (q !== LATEST && !VERSION_NUMBER.test(q)) {
      const alias = this.repo.getAlias(fn.name, q);
      if (!alias) throw notFound(`Function not found: ${this.arns.function(ref.name, q)}`);
      version = pick(alias);
    }
    const v = this.repo.getVersion(fn.name, version);
    if (!v) throw notFound(`Function not found: ${this.arns.function(ref.name, q)}`);
    return v;
  }

  /** Whether the function (and the version or alias the qualifier names) exists. */
  exists(ref: FunctionRef): boolean {
    try {
      this.resolve(ref);
      return true;
    } catch (err) {
      if (err instanceof AwsError && err.type === 'ResourceNotFoundException') return false;
      throw err;
    }
  }

  requireFunction(name: string): FunctionRecord {
    const fn = this.repo.getFunction(name);
    if (!fn) throw notFound(`Function not found: ${this.arns.function(name)}`);
    return fn;
  }

  get(ref: FunctionRef): {
    Configuration: FunctionConfigurationShape;
    Code: CodeLocation;
    Tags?: Record<string, string>;
    Concurrency?: { ReservedConcurrentExecutions: number };
  } {
    const v = this.resolve(ref);
    const fn = this.requireFunction(ref.name);
    return {
      Configuration: this.render(v, ref.qualifier),
      Code: codeLocation(v, this.codeUrl),
      ...(Object.keys(fn.tags).length > 0 && { Tags: fn.tags }),
      ...(fn.reservedConcurrency !== undefined && {
        Concurrency: { ReservedConcurrentExecutions: fn.reservedConcurrency },
      }),
    };
  }

  getConfiguration(ref: FunctionRef): FunctionConfigurationShape {
    return this.render(this.resolve(ref), ref.qualifier);
  }

  list(query: { Marker?: string; MaxItems?: string; FunctionVersion?: string; MasterRegion?: string }) {
    if (query.FunctionVersion !== undefined && query.FunctionVersion !== 'ALL') {
      throw new AwsError('ValidationException', `1 validation error detected: Value '${query.FunctionVersion}' at 'functionVersion' failed to satisfy constraint: Member must satisfy enum value set: [ALL]`);
    }
    const limit = Math.min(maxItems(query.MaxItems), MAX_PAGE);
    const after = decodeMarker(query.Marker) ?? ['', -1];
    const all = query.FunctionVersion === 'ALL';
    const rows = all
      ? this.repo.listAllVersions(String(after[0]), Number(after[1] ?? -1), limit + 1)
      : this.repo.listLatest(String(after[0]), limit + 1);
    const { items, nextMarker } = page(rows, limit, (v) => [v.functionName, v.version === LATEST ? 0 : Number(v.version)]);
    return { Functions: items.map((v) => renderListed(v, this.arns, all, this.layerSize)), ...(nextMarker && { NextMarker: nextMarker }) };
  }

  listVersions(name: string, query: { Marker?: string; MaxItems?: string }) {
    this.requireFunction(name);
    const limit = Math.min(maxItems(query.MaxItems), MAX_PAGE);
    const after = decodeMarker(query.Marker) ?? [-1];
    const rows = this.repo.listVersions(name, Number(after[0]), limit + 1);
    const { items, nextMarker } = page(rows, limit, (v) => [v.version === LATEST ? 0 : Number(v.version)]);
    return { Versions: items.map((v) => renderListed(v, this.arns, true, this.layerSize)), ...(nextMarker && { NextMarker: nextMarker }) };
  }

  async updateCode(name: string, input: UpdateCodeInput): Promise<FunctionConfigurationShape> {
    const latest = this.resolve({ name, qualifier: LATEST });
    checkRevision(input.RevisionId, latest.revisionId);
    const architectures = input.Architectures ? checkArchitectures(input.Architectures) : latest.config.architectures;
    const stored = await this.packages.forUpdate(latest.config.packageType, input);
    // The layers stay; the new code must still fit beside them.
    await this.layers.checkSize(latest.config.layers, stored.sha256Hex);
    const next: FunctionVersion = {
      ...latest,
      config: { ...latest.config, architectures },
      codeSha256Hex: stored.sha256Hex,
      codeSize: stored.size,
      imageUri: stored.imageUri,
      lastModified: awsTimestamp(),
      revisionId: randomUUID(),
    };
    if (input.DryRun) return this.render(next);
    this.repo.transaction(() => {
      checkRevision(input.RevisionId, this.resolve({ name, qualifier: LATEST }).revisionId);
      this.repo.putVersion(next);
    });
    this.retire(name, LATEST);
    return this.render(input.Publish ? this.publish(name, {}) : next);
  }

  async updateConfiguration(name: string, input: ConfigInput & { RevisionId?: string }): Promise<FunctionConfigurationShape> {
    const current = this.resolve({ name, qualifier: LATEST });
    checkConfigMembers(current.config.packageType, input);
    if (input.Layers !== undefined) {
      // The members' constraints first (as AWS's validation layer), then the layers themselves.
      const layers = applyConfig(current.config, input).layers;
      this.layers.checkExisting(layers);
      await this.prepareLayers(layers, current.codeSha256Hex);
    }
    // Read again: the layers' preparation awaited, and $LATEST may have changed meanwhile.
    return this.repo.transaction(() => {
      const latest = this.resolve({ name, qualifier: LATEST });
      checkRevision(input.RevisionId, latest.revisionId);
      const next: FunctionVersion = {
        ...latest,
        config: applyConfig(latest.config, input),
        lastModified: awsTimestamp(),
        revisionId: randomUUID(),
      };
      this.repo.putVersion(next);
      this.retire(name, LATEST);
      if (input.Runtime !== undefined) this.noteRuntime(next);
      return this.render(next);
    });
  }

  /**
   * PublishVersion: a frozen copy of `$LATEST` under the next number. When neither code nor
   * configuration changed since the last published version, AWS returns that version instead.
   */
  publish(name: string, input: { CodeSha256?: string; Description?: string; RevisionId?: string }): FunctionVersion {
    return this.repo.transaction(() => {
      const fn = this.requireFunction(name);
      const latest = this.resolve({ name, qualifier: LATEST });
      checkRevision(input.RevisionId, latest.revisionId);
      const latestSha = codeSha256(latest);
      // A 400, not a 412 (LocalStack's AWS-recorded snapshot TestLambdaVersions::test_publish_with_wrong_sha256).
      if (input.CodeSha256 !== undefined && input.CodeSha256 !== latestSha) {
        throw invalidParameter(
          `CodeSHA256 (${input.CodeSha256}) is different from current CodeSHA256 in $LATEST (${latestSha}). Please try again with the CodeSHA256 in $LATEST.`,
        );
      }
      const last = this.repo.lastPublished(name);
      if (last && last.codeSha256Hex === latest.codeSha256Hex && last.imageUri === latest.imageUri && sameConfig(last.config, latest.config)) return last;
      // Publishing changes $LATEST's RevisionId too, so a RevisionId read before the publish is stale
      // (LocalStack's AWS-validated test_function_revisions_version_and_alias).
      this.repo.putVersion({ ...latest, revisionId: randomUUID() });
      const version: FunctionVersion = {
        ...latest,
        version: String(fn.nextVersion),
        config: { ...latest.config, description: input.Description ?? latest.config.description },
        lastModified: awsTimestamp(),
        revisionId: randomUUID(),
      };
      this.repo.putVersion(version);
      this.repo.updateFunction({ ...fn, nextVersion: fn.nextVersion + 1 });
      return version;
    });
  }

  delete(ref: FunctionRef): void {
    const fn = this.requireFunction(ref.name);
    const q = ref.qualifier;
    if (q === undefined) {
      this.repo.deleteFunction(fn.name);
      this.retire(fn.name);
      return;
    }
    if (q === LATEST) throw invalidParameter('$LATEST version cannot be deleted without deleting the function.');
    if (!VERSION_NUMBER.test(q)) throw invalidParameter(`Deletion of aliases is not supported by DeleteFunction; use DeleteAlias: ${q}`);
    this.repo.transaction(() => {
      if (!this.repo.getVersion(fn.name, q)) throw notFound(`Function not found: ${this.arns.function(fn.name, q)}`);
      const aliases = this.repo.aliasesUsingVersion(fn.name, q);
      if (aliases.length > 0) {
        throw conflict(`Unable to delete version because the following aliases reference it: [${aliases.join(', ')}]`);
      }
      this.repo.deleteVersion(fn.name, q);
    });
    this.retire(fn.name, q);
  }

  /** Size check with the code, then the /opt tree built now rather than on the first invoke. */
  private async prepareLayers(layerArns: readonly string[], codeSha256Hex: string): Promise<void> {
    await this.layers.checkSize(layerArns, codeSha256Hex);
    this.layers.optDirFor(layerArns);
  }
}

function sameConfig(a: VersionConfig, b: VersionConfig): boolean {
  const { description: _a, ...restA } = a;
  const { description: _b, ...restB } = b;
  return JSON.stringify(restA) === JSON.stringify(restB);
}
