// Lambda layers: PublishLayerVersion, GetLayerVersion(ByArn), ListLayers, ListLayerVersions,
// DeleteLayerVersion, and what functions need of them (FunctionLayers: the checks CreateFunction
// and UpdateFunctionConfiguration make, the sizes their configuration shows, the /opt tree).
// Messages and shapes follow AWS as LocalStack's AWS-recorded snapshots (TestLambdaLayer) show it.
import { AwsError, invalidParameter, notFound } from '../errors.js';
import type { Account } from '../functions/arn.js';
import { DEFAULT_MAX_UNZIPPED_BYTES, type CodeStore } from '../functions/code-store.js';
import type { FunctionLayers } from '../functions/function-service.js';
import { decodeMarker, page } from '../functions/paging.js';
import { awsTimestamp, hexToBase64 } from '../functions/render.js';
import { ACCEPTED_RUNTIMES, DEPRECATED_RUNTIMES } from '../functions/validate.js';
import {
  AWS_LAYER_VERSION_ARN_PATTERN,
  LayerArns,
  parseLayerName,
  parseLayerVersionArn,
  parseVersionNumber,
  type LayerRef,
} from './arn.js';
import type { LayerVersionRecord } from './model.js';
import type { OptDirs } from './opt-dirs.js';
import type { CompatibilityFilter, LayerRepository } from './repository.js';
import { treeBytes } from './tree-size.js';

export interface PublishInput {
  Content?: { ZipFile?: Uint8Array | string; S3Bucket?: string; S3Key?: string; S3ObjectVersion?: string };
  Description?: string;
  CompatibleRuntimes?: string[];
  CompatibleArchitectures?: string[];
  LicenseInfo?: string;
}

export interface ListQuery {
  CompatibleRuntime?: string;
  CompatibleArchitecture?: string;
  Marker?: string;
  MaxItems?: string;
}

/** LayerVersionsListItem of the service model (ListLayerVersions, ListLayers' LatestMatchingVersion). */
export interface LayerVersionsListItemShape {
  LayerVersionArn: string;
  Version: number;
  Description: string;
  CreatedDate: string;
  CompatibleRuntimes?: string[];
  LicenseInfo?: string;
  CompatibleArchitectures?: string[];
}

/** GetLayerVersionResponse / PublishLayerVersionResponse of the service model. */
export interface LayerVersionShape extends LayerVersionsListItemShape {
  Content: { Location: string; CodeSha256: string; CodeSize: number };
  LayerArn: string;
}

const ARCHITECTURES = ['x86_64', 'arm64'];
// What AWS accepts in CompatibleRuntimes today: the runtimes it accepts for functions, plus the
// deprecated ones its message still lists (AWS-recorded snapshot test_layer_exceptions).
const LAYER_RUNTIMES: readonly string[] = [...ACCEPTED_RUNTIMES, 'python3.8', 'nodejs16.x', 'dotnet6'];
const MODEL_RUNTIMES: readonly string[] = [...ACCEPTED_RUNTIMES, ...DEPRECATED_RUNTIMES];
// ListLayers / ListLayerVersions: MaxItems is 1..50 in the model (MaxLayerListItems).
const MAX_PAGE = 50;
const listed = (values: readonly string[]) => `[${values.join(', ')}]`;

/** AWS's validation layer reports every failed member at once: "2 validation errors detected: a; b". */
function throwValidation(failures: string[]): void {
  if (failures.length === 0) return;
  const s = failures.length > 1 ? 's' : '';
  throw new AwsError('ValidationException', `${failures.length} validation error${s} detected: ${failures.join('; ')}`);
}

function listFilter(query: ListQuery): CompatibilityFilter {
  const failures: string[] = [];
  const runtime = query.CompatibleRuntime || undefined;
  const architecture = query.CompatibleArchitecture || undefined;
  if (runtime !== undefined && !MODEL_RUNTIMES.includes(runtime)) {
    failures.push(`Value '${runtime}' at 'compatibleRuntime' failed to satisfy constraint: Member must satisfy enum value set: ${listed(MODEL_RUNTIMES)}`);
  }
  if (architecture !== undefined && !ARCHITECTURES.includes(architecture)) {
    failures.push(`Value '${architecture}' at 'compatibleArchitecture' failed to satisfy constraint: Member must satisfy enum value set: ${listed(ARCHITECTURES)}`);
  }
  const max = query.MaxItems;
  if (max !== undefined && max !== '') {
    const n = Number(max);
    if (!Number.isInteger(n) || n < 1) failures.push(`Value '${max}' at 'maxItems' failed to satisfy constraint: Member must have value greater than or equal to 1`);
    else if (n > MAX_PAGE) failures.push(`Value '${max}' at 'maxItems' failed to satisfy constraint: Member must have value less than or equal to ${MAX_PAGE}`);
  }
  throwValidation(failures);
  return { runtime, architecture };
}

const pageSize = (query: ListQuery) => (query.MaxItems ? Number(query.MaxItems) : MAX_PAGE);

export class LayerService implements FunctionLayers {
  readonly arns: LayerArns;
  /** Unzipped bytes per function code digest: a digest's tree never changes. */
  private readonly codeBytes = new Map<string, number>();
  private readonly optDirs = new Map<string, string>();

  constructor(
    private readonly repo: LayerRepository,
    private readonly code: CodeStore,
    private readonly account: Account,
    private readonly codeUrl: (sha256Hex: string) => string,
    private readonly merged: OptDirs,
  ) {
    this.arns = new LayerArns(account);
  }

  async publish(layerName: string, input: PublishInput): Promise<LayerVersionShape> {
    const ref = parseLayerName(layerName, this.account);
    const failures: string[] = [];
    if (input.Description !== undefined && input.Description.length > 256) {
      failures.push(`Value '${input.Description}' at 'description' failed to satisfy constraint: Member must have length less than or equal to 256`);
    }
    if (input.LicenseInfo !== undefined && input.LicenseInfo.length > 512) {
      failures.push(`Value '${input.LicenseInfo}' at 'licenseInfo' failed to satisfy constraint: Member must have length less than or equal to 512`);
    }
    const runtimes = input.CompatibleRuntimes;
    if (runtimes !== undefined && runtimes.length > 15) {
      failures.push(`Value '${listed(runtimes)}' at 'compatibleRuntimes' failed to satisfy constraint: Member must have length less than or equal to 15`);
    } else if (runtimes?.some((r) => !LAYER_RUNTIMES.includes(r))) {
      failures.push(`Value '${listed(runtimes)}' at 'compatibleRuntimes' failed to satisfy constraint: Member must satisfy enum value set: ${listed(LAYER_RUNTIMES)}`);
    }
    const archs = input.CompatibleArchitectures;
    if (archs !== undefined && archs.length > 2) {
      failures.push(`Value '${listed(archs)}' at 'compatibleArchitectures' failed to satisfy constraint: Member must have length less than or equal to 2`);
    } else if (archs?.some((a) => !ARCHITECTURES.includes(a))) {
      failures.push(`Value '${listed(archs)}' at 'compatibleArchitectures' failed to satisfy constraint: Member must satisfy constraint: [Member must satisfy enum value set: [x86_64, arm64], Member must not be null]`);
    }
    throwValidation(failures);
    if (ref.foreign) throw notFound('The resource you requested does not exist.');

    const content = input.Content ?? {};
    if (content.ZipFile === undefined) {
      if (content.S3Bucket !== undefined || content.S3Key !== undefined) {
        throw invalidParameter('Layer content from S3 (S3Bucket/S3Key) is not supported by lambdalite: upload the zip as ZipFile.');
      }
      throw invalidParameter('Missing Content');
    }
    const zip = typeof content.ZipFile === 'string' ? Buffer.from(content.ZipFile, 'base64') : Buffer.from(content.ZipFile);
    // The code store's checks (names, sizes, CRCs, modes, symlinks) apply to layers as to functions.
    const stored = await this.code.put(zip);
    const unzippedSize = await this.unzippedBytes(stored.sha256Hex);
    const record = this.repo.transaction(() => {
      const v: LayerVersionRecord = {
        layerName: ref.name,
        version: this.repo.takeVersionNumber(ref.name),
        description: input.Description ?? '',
        licenseInfo: input.LicenseInfo,
        compatibleRuntimes: runtimes,
        compatibleArchitectures: archs,
        codeSha256Hex: stored.sha256Hex,
        codeSize: stored.size,
        unzippedSize,
        createdDate: awsTimestamp(),
        policyStatements: [],
        policyRevisionId: undefined,
        deleted: false,
      };
      this.repo.insertVersion(v);
      return v;
    });
    return this.render(record);
  }

  get(layerName: string, versionNumber: string): LayerVersionShape {
    const ref = parseLayerName(layerName, this.account);
    return this.render(this.requireLive(ref, parseVersionNumber(versionNumber)));
  }

  getByArn(arn: string | undefined): LayerVersionShape {
    const ref = arn === undefined ? undefined : parseLayerVersionArn(arn, this.account);
    if (!ref) {
      throw new AwsError(
        'ValidationException',
        `1 validation error detected: Value '${arn ?? 'null'}' at 'arn' failed to satisfy constraint: Member must satisfy regular expression pattern: ${AWS_LAYER_VERSION_ARN_PATTERN}`,
      );
    }
    return this.render(this.requireLive(ref, ref.version));
  }

  list(query: ListQuery): { Layers: { LayerName: string; LayerArn: string; LatestMatchingVersion: LayerVersionsListItemShape }[]; NextMarker?: string } {
    const filter = listFilter(query);
    const limit = pageSize(query);
    const after = String(decodeMarker(query.Marker)?.[0] ?? '');
    const rows = this.repo.listLatestMatching(filter, after, limit + 1);
    const { items, nextMarker } = page(rows, limit, (v) => [v.layerName]);
    return {
      Layers: items.map((v) => ({ LayerName: v.layerName, LayerArn: this.arns.layer(v.layerName), LatestMatchingVersion: this.listItem(v) })),
      ...(nextMarker && { NextMarker: nextMarker }),
    };
  }

  /** AWS answers an empty list, not an error, for a layer that does not exist. */
  listVersions(layerName: string, query: ListQuery): { LayerVersions: LayerVersionsListItemShape[]; NextMarker?: string } {
    const ref = parseLayerName(layerName, this.account);
    const filter = listFilter(query);
    if (ref.foreign) return { LayerVersions: [] };
    const limit = pageSize(query);
    const before = Number(decodeMarker(query.Marker)?.[0] ?? Number.MAX_SAFE_INTEGER);
    const rows = this.repo.listVersions(ref.name, filter, before, limit + 1);
    const { items, nextMarker } = page(rows, limit, (v) => [v.version]);
    return { LayerVersions: items.map((v) => this.listItem(v)), ...(nextMarker && { NextMarker: nextMarker }) };
  }

  /**
   * Idempotent, as on AWS: a layer or version that does not exist is no error. Only marks the
   * version: functions that use it keep running it, and its code stays in the code store.
   */
  delete(layerName: string, versionNumber: string): void {
    const ref = parseLayerName(layerName, this.account);
    const version = parseVersionNumber(versionNumber);
    if (ref.foreign) return;
    this.repo.markDeleted(ref.name, version);
  }

  /** A version the API may show: it exists and was not deleted. */
  requireLive(ref: LayerRef, version: number): LayerVersionRecord {
    const v = ref.foreign ? undefined : this.repo.getVersion(ref.name, version);
    if (!v || v.deleted) throw notFound('The resource you requested does not exist.');
    return v;
  }

  // --- what functions need (FunctionLayers)

  /**
   * CreateFunction / UpdateFunctionConfiguration with Layers, in AWS's order and words: each layer
   * is in this region, exists (a deleted version cannot be added), and no layer comes twice.
   */
  checkExisting(layerArns: readonly string[]): void {
    const seen = new Map<string, string>();
    for (const arn of layerArns) {
      const ref = parseLayerVersionArn(arn, this.account);
      if (ref && ref.region !== this.account.region) {
        throw invalidParameter(`Layers are not in the same region as the function. Layers are expected to be in region ${this.account.region}.`);
      }
      const v = ref && !ref.foreign ? this.repo.getVersion(ref.name, ref.version) : undefined;
      if (!v || v.deleted) throw invalidParameter(`Layer version ${arn} does not exist.`);
      const layerArn = arn.slice(0, arn.lastIndexOf(':'));
      const first = seen.get(layerArn);
      if (first !== undefined) {
        throw invalidParameter(
          `Two different versions of the same layer are not allowed to be referenced in the same function. ${first} and ${arn} are versions of the same layer.`,
        );
      }
      seen.set(layerArn, arn);
    }
  }

  /** "Function code combined with layers exceeds the maximum allowed size" (AWS's message). */
  async checkSize(layerArns: readonly string[], codeSha256Hex: string): Promise<void> {
    if (layerArns.length === 0) return;
    let total = await this.unzippedBytes(codeSha256Hex);
    for (const arn of layerArns) total += this.record(arn)?.unzippedSize ?? 0;
    if (total > DEFAULT_MAX_UNZIPPED_BYTES) {
      throw invalidParameter(
        `Function code combined with layers exceeds the maximum allowed size of ${DEFAULT_MAX_UNZIPPED_BYTES} bytes. The actual size is ${total} bytes.`,
      );
    }
  }

  /** A function's Layers[].CodeSize; deleted versions keep theirs, as on AWS. */
  codeSize(layerArn: string): number {
    return this.record(layerArn)?.codeSize ?? 0;
  }

  /**
   * The merged /opt tree of a function version's layers, in their order (undefined without
   * layers). Deleted layer versions are still in it: they keep running for the functions that
   * use them. Immutable layer versions make the answer for one list of ARNs fixed, so it is cached.
   */
  optDirFor(layerArns: readonly string[]): string | undefined {
    if (layerArns.length === 0) return undefined;
    const key = layerArns.join('\n');
    const known = this.optDirs.get(key);
    if (known !== undefined) return known;
    const digests = layerArns.map((arn) => {
      const v = this.record(arn);
      // Only a data directory from before layers existed can hold a function with such an ARN.
      if (!v) throw notFound(`Layer version ${arn} does not exist.`);
      return v.codeSha256Hex;
    });
    const dir = this.merged.merged(digests);
    this.optDirs.set(key, dir);
    return dir;
  }

  /** The version an ARN names, deleted or not; undefined for an ARN of no layer here. */
  private record(layerArn: string): LayerVersionRecord | undefined {
    const ref = parseLayerVersionArn(layerArn, this.account);
    return ref && !ref.foreign ? this.repo.getVersion(ref.name, ref.version) : undefined;
  }

  private async unzippedBytes(sha256Hex: string): Promise<number> {
    let bytes = this.codeBytes.get(sha256Hex);
    if (bytes === undefined) {
      bytes = await treeBytes(this.code.codeDir(sha256Hex));
      this.codeBytes.set(sha256Hex, bytes);
    }
    return bytes;
  }

  private listItem(v: LayerVersionRecord): LayerVersionsListItemShape {
    return {
      LayerVersionArn: this.arns.version(v.layerName, v.version),
      Version: v.version,
      Description: v.description,
      CreatedDate: v.createdDate,
      ...(v.compatibleRuntimes !== undefined && { CompatibleRuntimes: [...v.compatibleRuntimes] }),
      ...(v.licenseInfo !== undefined && { LicenseInfo: v.licenseInfo }),
      ...(v.compatibleArchitectures !== undefined && { CompatibleArchitectures: [...v.compatibleArchitectures] }),
    };
  }

  private render(v: LayerVersionRecord): LayerVersionShape {
    return {
      Content: { Location: this.codeUrl(v.codeSha256Hex), CodeSha256: hexToBase64(v.codeSha256Hex), CodeSize: v.codeSize },
      LayerArn: this.arns.layer(v.layerName),
      ...this.listItem(v),
    };
  }
}
