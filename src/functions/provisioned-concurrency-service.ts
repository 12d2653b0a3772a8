// Put / Get / Delete / ListProvisionedConcurrencyConfigs: environments started ahead of time for a
// published version or an alias, with AWS's rules ("Configuring provisioned concurrency"; messages
// from LocalStack's AWS-validated provider). The configuration is stored; the environments are the
// execution engine's, started again at start-up, so Status and the allocated count live in memory.
import type { EnvironmentSpec } from '../execution/types.js';
import { AwsError, conflict, invalidParameter, notFound, validationError } from '../errors.js';
import { VERSION_NUMBER, type Arns, type FunctionRef } from './arn.js';
import type { FunctionService } from './function-service.js';
import { LATEST, type FunctionVersion } from './model.js';
import { decodeMarker, encodeMarker } from './paging.js';
import type { ProvisionedConcurrencyRepository, ProvisionedConfig } from './provisioned-concurrency-repository.js';
import { awsTimestamp } from './render.js';
import type { FunctionRepository } from './repository.js';

/** What provisioned concurrency needs of the execution engine. */
export interface ProvisioningEngine {
  /** Keeps `count` environments of the version warm (0: none); resolves when ready, or with why not. */
  provision(spec: EnvironmentSpec, count: number): Promise<string | undefined>;
  provisionedCount(functionName: string, version: string): number;
}

export interface ProvisionedLogger {
  warn(obj: object, msg: string): void;
}

type Status = 'IN_PROGRESS' | 'READY' | 'FAILED';

export interface ProvisionedConcurrencyConfigShape {
  RequestedProvisionedConcurrentExecutions: number;
  AvailableProvisionedConcurrentExecutions: number;
  AllocatedProvisionedConcurrentExecutions: number;
  Status: Status;
  StatusReason?: string;
  LastModified: string;
}

interface Allocation {
  readonly status: Status;
  readonly reason?: string;
}

// AWS keeps at least 100 concurrent executions unreserved (as in concurrency-service.ts).
const MIN_UNRESERVED = 100;
// MaxProvisionedConcurrencyConfigListItems: 1 to 50.
const MAX_PAGE = 50;
const UNPUBLISHED = 'Provisioned Concurrency Configs cannot be applied to unpublished function versions.';

const key = (functionName: string, qualifier: string) => `${functionName}\u0000${qualifier}`;

export class ProvisionedConcurrencyService {
  private readonly allocations = new Map<string, Allocation>();
  /** Versions given provisioned environments, per function: the ones to stop when no configuration wants them. */
  private readonly provisionedVersions = new Map<string, Set<string>>();
  /** Per function: a newer reconcile makes an older one's results stale. */
  private readonly generations = new Map<string, number>();

  constructor(
    private readonly repo: ProvisionedConcurrencyRepository,
    private readonly functionsRepo: FunctionRepository,
    private readonly functions: FunctionService,
    private readonly arns: Arns,
    private readonly engine: ProvisioningEngine,
    private readonly specOf: (v: FunctionVersion) => EnvironmentSpec,
    /** The account's UnreservedConcurrentExecutions now (ConcurrencyService.unreserved). */
    private readonly unreserved: () => number,
    private readonly logger: ProvisionedLogger,
  ) {}

  put(ref: FunctionRef, requested: unknown): ProvisionedConcurrencyConfigShape {
    if (typeof requested !== 'number' || !Number.isInteger(requested)) {
      throw validationError(requested ?? null, 'provisionedConcurrentExecutions', requested == null ? 'Member must not be null' : 'Member must be an integer');
    }
    if (requested < 1) throw validationError(requested, 'provisionedConcurrentExecutions', 'Member must have value greater than or equal to 1');
    const qualifier = requireQualifier(ref);
    if (qualifier === LATEST) throw invalidParameter(UNPUBLISHED);
    const config = this.repo.transaction(() => {
      const fn = this.functions.requireFunction(ref.name);
      const version = this.versionOf(fn.name, qualifier);
      if (version === LATEST) throw invalidParameter(UNPUBLISHED);
      const configs = this.repo.list(fn.name);
      const current = configs.find((c) => c.qualifier === qualifier);
      const others = configs.filter((c) => c.qualifier !== qualifier).reduce((sum, c) => sum + c.requested, 0);
      // Provisioned concurrency is part of a reservation; without one it comes out of the unreserved pool.
      if (fn.reservedConcurrency !== undefined && fn.reservedConcurrency < others + requested) {
        throw invalidParameter('Requested Provisioned Concurrency should not be greater than the reservedConcurrentExecution for function');
      }
      if (fn.reservedConcurrency === undefined && this.unreserved() + (current?.requested ?? 0) - requested < MIN_UNRESERVED) {
        throw invalidParameter(
          "Specified ConcurrentExecutions for function decreases account's UnreservedConcurrentExecution below " +
            `its minimum value of [${MIN_UNRESERVED}].`,
        );
      }
      // One configuration per version: directly, or through one alias.
      for (const other of configs) {
        if (other.qualifier === qualifier) continue;
        const isAlias = !VERSION_NUMBER.test(qualifier);
        const otherIsAlias = !VERSION_NUMBER.test(other.qualifier);
        if (isAlias && !otherIsAlias && other.qualifier === version) {
          throw conflict("Alias can't be used for Provisioned Concurrency configuration on an already Provisioned version");
        }
        if (!isAlias && otherIsAlias && this.versionOf(fn.name, other.qualifier) === qualifier) {
          throw conflict('Version is pointed by a Provisioned Concurrency alias');
        }
      }
      const next: ProvisionedConfig = { functionName: fn.name, qualifier, requested, lastModified: awsTimestamp() };
      this.repo.put(next);
      return next;
    });
    this.allocations.set(key(config.functionName, qualifier), { status: 'IN_PROGRESS' });
    this.reconcileLater(config.functionName);
    return this.render(config);
  }

  get(ref: FunctionRef): ProvisionedConcurrencyConfigShape {
    const qualifier = requireQualifier(ref);
    if (qualifier === LATEST) throw invalidParameter('The function resource provided must be an alias or a published version.');
    const fn = this.functions.requireFunction(ref.name);
    this.versionOf(fn.name, qualifier);
    const config = this.repo.get(fn.name, qualifier);
    if (!config) throw new AwsError('ProvisionedConcurrencyConfigNotFoundException', 'No Provisioned Concurrency Config found for this function');
    return this.render(config);
  }

  /** Stops the configuration's environments; like AWS, answers 204 when there was no configuration. */
  delete(ref: FunctionRef): void {
    const qualifier = requireQualifier(ref);
    if (qualifier === LATEST) throw invalidParameter('The function resource provided must be an alias or a published version.');
    const fn = this.functions.requireFunction(ref.name);
    this.versionOf(fn.name, qualifier);
    if (this.repo.delete(fn.name, qualifier)) {
      this.allocations.delete(key(fn.name, qualifier));
      this.reconcileLater(fn.name);
    }
  }

  list(functionName: string, query: { Marker?: string; MaxItems?: string }) {
    const fn = this.functions.requireFunction(functionName);
    const limit = query.MaxItems === undefined || query.MaxItems === '' ? MAX_PAGE : Number(query.MaxItems);
    if (!Number.isInteger(limit) || limit < 1) throw validationError(query.MaxItems, 'maxItems', 'Member must have value greater than or equal to 1');
    if (limit > MAX_PAGE) throw validationError(limit, 'maxItems', `Member must have value less than or equal to ${MAX_PAGE}`);
    const after = String(decodeMarker(query.Marker)?.[0] ?? '');
    const rows = this.repo.list(fn.name).filter((c) => c.qualifier > after);
    const items = rows.slice(0, limit);
    return {
      ProvisionedConcurrencyConfigs: items.map((c) => ({ FunctionArn: this.arns.function(c.functionName, c.qualifier), ...this.render(c) })),
      ...(rows.length > limit && { NextMarker: encodeMarker([items[items.length - 1]!.qualifier]) }),
    };
  }

  /** Provisioned concurrency requested for a function, every version and alias together (concurrency leases). */
  requestedFor(functionName: string): number {
    return this.repo.totalFor(functionName);
  }

  /** Starts the environments of every stored configuration (start-up, after listen). */
  async startAll(): Promise<void> {
    await Promise.all(this.repo.functionNames().map((name) => this.reconcile(name)));
  }

  /**
   * Brings a function's provisioned environments in line with its configurations: each version
   * gets what its configurations (direct or through an alias) request, the others none. Called
   * after every change, an alias moving or going included.
   */
  async reconcile(functionName: string): Promise<void> {
    const generation = (this.generations.get(functionName) ?? 0) + 1;
    this.generations.set(functionName, generation);
    const configs = this.repo.list(functionName);
    const wanted = new Map<string, { count: number; qualifiers: string[] }>();
    for (const c of configs) {
      const version = this.versionOrUndefined(functionName, c.qualifier);
      if (version === undefined || version === LATEST) continue;
      const entry = wanted.get(version) ?? { count: 0, qualifiers: [] };
      entry.count += c.requested;
      entry.qualifiers.push(c.qualifier);
      wanted.set(version, entry);
      if (!this.allocations.has(key(functionName, c.qualifier))) this.allocations.set(key(functionName, c.qualifier), { status: 'IN_PROGRESS' });
    }
    const previous = this.provisionedVersions.get(functionName) ?? new Set<string>();
    this.provisionedVersions.set(functionName, new Set(wanted.keys()));
    const runs: Promise<void>[] = [];
    for (const version of previous) {
      if (!wanted.has(version)) runs.push(this.provisionVersion(functionName, version, 0).then(() => undefined));
    }
    for (const [version, { count, qualifiers }] of wanted) {
      runs.push(
        this.provisionVersion(functionName, version, count).then((reason) => {
          if (this.generations.get(functionName) !== generation) return;
          for (const q of qualifiers) {
            this.allocations.set(key(functionName, q), reason === undefined ? { status: 'READY' } : { status: 'FAILED', reason });
          }
        }),
      );
    }
    await Promise.all(runs);
  }

  /** reconcile() without waiting: the environments start (or stop) while the API answers. */
  reconcileLater(functionName: string): void {
    this.reconcile(functionName).catch((err: unknown) =>
      this.logger.warn({ functionName, err }, 'provisioned environments could not be brought in line with the configuration'));
  }

  private async provisionVersion(functionName: string, version: string, count: number): Promise<string | undefined> {
    let v: FunctionVersion;
    try {
      v = this.functions.resolve({ name: functionName, qualifier: version });
    } catch {
      return count === 0 ? undefined : `version ${version} no longer exists`;
    }
    try {
      return await this.engine.provision(this.specOf(v), count);
    } catch (err) {
      this.logger.warn({ functionName, version, err }, 'provisioned concurrency could not be allocated');
      return (err as Error).message;
    }
  }

  /** The version a version number or alias names; 404 with AWS's messages when it does not exist. */
  private versionOf(functionName: string, qualifier: string): string {
    if (VERSION_NUMBER.test(qualifier)) {
      if (!this.functionsRepo.getVersion(functionName, qualifier)) throw notFound(`Function not found: ${this.arns.function(functionName, qualifier)}`);
      return qualifier;
    }
    const alias = this.functionsRepo.getAlias(functionName, qualifier);
    if (!alias) throw notFound(`Cannot find alias arn: ${this.arns.function(functionName, qualifier)}`);
    return alias.functionVersion;
  }

  private versionOrUndefined(functionName: string, qualifier: string): string | undefined {
    try {
      return this.versionOf(functionName, qualifier);
    } catch {
      return undefined;
    }
  }

  private render(c: ProvisionedConfig): ProvisionedConcurrencyConfigShape {
    const allocation = this.allocations.get(key(c.functionName, c.qualifier)) ?? { status: 'IN_PROGRESS' };
    const version = this.versionOrUndefined(c.functionName, c.qualifier);
    const running = version === undefined ? 0 : this.engine.provisionedCount(c.functionName, version);
    const allocated = Math.min(c.requested, running);
    return {
      RequestedProvisionedConcurrentExecutions: c.requested,
      AvailableProvisionedConcurrentExecutions: allocated,
      AllocatedProvisionedConcurrentExecutions: allocated,
      Status: allocation.status,
      ...(allocation.reason !== undefined && { StatusReason: allocation.reason }),
      LastModified: c.lastModified,
    };
  }
}

/** Qualifier is a required member of these operations (a qualified function ARN also gives one). */
function requireQualifier(ref: FunctionRef): string {
  if (ref.qualifier === undefined || ref.qualifier === '') throw validationError(null, 'qualifier', 'Member must not be null');
  return ref.qualifier;
}
