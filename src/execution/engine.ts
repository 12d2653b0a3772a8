// Runs one invocation of one function version: finds (or starts) an execution environment in the
// version's pool, runs the invocation, gives the environment back. Concurrency limits and 429s
// are the invoke service's (it holds leases around invoke()); this engine scales out freely.
import type { ExecutionLogger } from './environment.js';
import type { Executor, RuntimeSupport } from './executor.js';
import { VersionPool, type PoolStats } from './version-pool.js';
import type { EnvironmentSpec, InvocationRequest, InvocationResult, RuntimeTarget } from './types.js';

export interface ExecutionEngineOptions {
  readonly executor: Executor;
  /** Parent folder of every environment's private temp folder. */
  readonly tmpRoot: string;
  /** Idle environments are stopped after this long; default 10 minutes. */
  readonly keepAliveMs?: number;
  readonly logger?: ExecutionLogger;
  /** AWS's init phase limit; default 10 s (https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtime-environment.html). */
  readonly initLimitMs?: number;
}

export const DEFAULT_KEEP_ALIVE_MS = 10 * 60 * 1000;
export const DEFAULT_INIT_LIMIT_MS = 10 * 1000;

interface PoolEntry {
  readonly pool: VersionPool;
  readonly spec: EnvironmentSpec;
  readonly fingerprint: string;
}

const poolKey = (functionName: string, version: string): string => `${functionName}:${version}`;

export class ExecutionEngine {
  private readonly pools = new Map<string, PoolEntry>();
  /** Retired pools still finishing their busy environments. */
  private readonly retiring = new Set<VersionPool>();
  private closed = false;

  constructor(private readonly options: ExecutionEngineOptions) {}

  async invoke(spec: EnvironmentSpec, req: InvocationRequest): Promise<InvocationResult> {
    if (this.closed) throw new Error('the execution engine is shut down');
    const support = this.options.executor.support(spec);
    if (!support.ok) return unsupported(req, support.reason);
    const pool = this.poolFor(spec);
    const lease = await pool.acquire(req.requestId);
    if ('failure' in lease) return lease.failure;
    try {
      return await lease.env.invoke(req);
    } finally {
      pool.release(lease.env);
    }
  }

  /**
   * Keeps `count` environments of this version started ahead of time and warm (provisioned
   * concurrency; 0 stops them). Resolves when they are all ready: undefined, or why one could not start.
   */
  async provision(spec: EnvironmentSpec, count: number): Promise<string | undefined> {
    if (this.closed) return 'the execution engine is shut down';
    const support = this.options.executor.support(spec);
    if (!support.ok) return support.reason;
    if (count === 0 && !this.pools.has(poolKey(spec.functionName, spec.version))) return undefined;
    return this.poolFor(spec).provision(count);
  }

  /** Provisioned environments of one version that are ready or busy. */
  provisionedCount(functionName: string, version: string): number {
    return this.pools.get(poolKey(functionName, version))?.pool.provisionedCount() ?? 0;
  }

  /** Whether this engine's executor can run the runtime (checked at create and before invoke). */
  support(target: RuntimeTarget): RuntimeSupport {
    return this.options.executor.support(target);
  }

  /** Stops the environments of a function (one version, or all): idle ones now, busy ones when done. */
  async retire(functionName: string, version?: string): Promise<void> {
    const retiring: Promise<void>[] = [];
    for (const [key, entry] of this.pools) {
      if (entry.spec.functionName !== functionName || (version !== undefined && entry.spec.version !== version)) continue;
      this.pools.delete(key);
      retiring.push(this.retirePool(entry.pool));
    }
    await Promise.all(retiring);
  }

  /** Stops every environment, busy ones included; resolves when every runtime process is gone. */
  async shutdown(): Promise<void> {
    this.closed = true;
    const pools = [...[...this.pools.values()].map((e) => e.pool), ...this.retiring];
    this.pools.clear();
    this.retiring.clear();
    await Promise.all(pools.map((pool) => pool.shutdown()));
  }

  /** Environments per pool ("function:version"), for tests and diagnostics. */
  stats(): Record<string, PoolStats> {
    return Object.fromEntries([...this.pools].map(([key, entry]) => [key, entry.pool.stats()]));
  }

  private poolFor(spec: EnvironmentSpec): VersionPool {
    const key = poolKey(spec.functionName, spec.version);
    const entry = this.pools.get(key);
    if (entry && entry.spec === spec) return entry.pool;
    const fingerprint = JSON.stringify(spec);
    if (entry && entry.fingerprint === fingerprint) return entry.pool;
    // A changed configuration ($LATEST updated without a retire call) never runs on old environments.
    if (entry) void this.retirePool(entry.pool);
    const pool = new VersionPool(spec, {
      executor: this.options.executor,
      tmpRoot: this.options.tmpRoot,
      keepAliveMs: this.options.keepAliveMs ?? DEFAULT_KEEP_ALIVE_MS,
      initLimitMs: this.options.initLimitMs ?? DEFAULT_INIT_LIMIT_MS,
      logger: this.options.logger,
    });
    this.pools.set(key, { pool, spec, fingerprint });
    return pool;
  }

  private retirePool(pool: VersionPool): Promise<void> {
    this.retiring.add(pool);
    pool.onEmpty = () => this.retiring.delete(pool);
    return pool.retire();
  }
}

/** The executor cannot run this runtime: fail at once with its reason, never start anything. */
function unsupported(req: InvocationRequest, reason: string): InvocationResult {
  return {
    outcome: 'init-error',
    payload: Buffer.from(JSON.stringify({ errorType: 'InvalidRuntimeException', errorMessage: `RequestId: ${req.requestId} Error: ${reason}` })),
    logLines: [],
    durationMs: 0,
    initDurationMs: undefined,
    maxMemoryUsedMb: 0,
    logStreamName: '',
  };
}
