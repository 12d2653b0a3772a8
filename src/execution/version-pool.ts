// The execution environments of one function version (LocalStack's "one manager per function
// version"): warm reuse, cold starts that scale out without a limit of their own (the invoke
// service holds the concurrency leases), keep-alive reaping, retirement and shutdown. A provisioned
// concurrency configuration keeps some environments started ahead of time: they are used first and
// never reaped ("Configuring provisioned concurrency").
import { Environment, type EnvironmentOptions } from './environment.js';
import type { EnvironmentSpec, InvocationResult } from './types.js';

export interface VersionPoolOptions extends EnvironmentOptions {
  readonly keepAliveMs: number;
}

export type Lease = { readonly env: Environment } | { readonly failure: InvocationResult };

export interface PoolStats {
  /** Environments in service: starting, idle or busy. */
  readonly environments: number;
  readonly starting: number;
  readonly idle: number;
  readonly busy: number;
  /** Environments whose processes are still being stopped. */
  readonly stopping: number;
  /** Of `environments`, those kept for provisioned concurrency. */
  readonly provisioned: number;
}

/** The spec of a provisioned environment: the same version, started as provisioned-concurrency. */
const provisionedSpec = (spec: EnvironmentSpec): EnvironmentSpec => ({ ...spec, initializationType: 'provisioned-concurrency' });

export class VersionPool {
  private readonly environments = new Set<Environment>();
  /** Idle environments; the most recently released is reused first, so extra ones age out. */
  private readonly idle: Environment[] = [];
  private readonly reapTimers = new Map<Environment, NodeJS.Timeout>();
  private readonly stopping = new Set<Promise<void>>();
  private retired = false;
  /** Environments kept for provisioned concurrency (starting, idle or busy), their idle ones, their target. */
  private readonly provisioned = new Set<Environment>();
  /** Provisioned environments that got ready once (only those are replaced when they die). */
  private readonly warm = new Set<Environment>();
  private readonly idleProvisioned: Environment[] = [];
  private provisionedTarget = 0;
  /** Called once a retired pool has no environment left. */
  onEmpty: (() => void) | undefined;

  constructor(
    readonly spec: EnvironmentSpec,
    private readonly options: VersionPoolOptions,
  ) {}

  /** A warm idle environment, else a new one (cold start); each concurrent acquire gets its own. */
  async acquire(requestId: string): Promise<Lease> {
    for (let env = this.idleProvisioned.pop(); env; env = this.idleProvisioned.pop()) {
      if (env.state === 'idle') {
        env.markBusy();
        return { env };
      }
    }
    for (let env = this.idle.pop(); env; env = this.idle.pop()) {
      this.clearReapTimer(env);
      if (env.state === 'idle') {
        env.markBusy();
        return { env };
      }
    }
    const env = new Environment(this.spec, this.options);
    env.onGone = (gone) => this.gone(gone);
    this.environments.add(env);
    const failure = await env.start(requestId);
    if (failure) return { failure };
    // Stopped (shutdown) between its first /next and now: nothing can run on it.
    if (env.state !== 'idle') throw new Error(`execution environment ${env.id} stopped before its first invocation`);
    env.markBusy();
    return { env };
  }

  /** Back to idle after an invocation, or stopped when it died or the pool was retired. */
  release(env: Environment): void {
    if (env.state !== 'busy') return;
    if (this.retired) {
      void env.stop();
      return;
    }
    if (this.provisioned.has(env)) {
      if (this.provisioned.size > this.provisionedTarget) {
        this.provisioned.delete(env);
        void env.stop();
        return;
      }
      env.markIdle();
      this.idleProvisioned.push(env); // no reap timer: provisioned environments stay warm
      return;
    }
    env.markIdle();
    this.idle.push(env);
    const timer = setTimeout(() => void env.stop(), this.options.keepAliveMs);
    timer.unref();
    this.reapTimers.set(env, timer);
  }

  /**
   * Keeps `count` provisioned environments (0: none): starts the missing ones, stops the extra
   * idle ones (busy ones when they are released). Resolves once they are all started, with the
   * first start failure's reason if any could not start.
   */
  async provision(count: number): Promise<string | undefined> {
    if (this.retired) return 'the function version was retired';
    this.provisionedTarget = count;
    while (this.provisioned.size > count && this.idleProvisioned.length > 0) {
      const env = this.idleProvisioned.pop()!;
      this.provisioned.delete(env);
      void env.stop();
    }
    const starts: Promise<string | undefined>[] = [];
    for (let n = this.provisioned.size; n < count; n++) starts.push(this.startProvisioned());
    return (await Promise.all(starts)).find((reason) => reason !== undefined);
  }

  /** Provisioned environments in service now (starting ones included). */
  provisionedCount(): number {
    return [...this.provisioned].filter((e) => e.state === 'idle' || e.state === 'busy').length;
  }

  /** Stops idle environments now and busy ones after their invocation; new acquires still work. */
  async retire(): Promise<void> {
    this.retired = true;
    this.provisionedTarget = 0;
    // A copy: each stop() takes its environment out of `idle` (gone()) while we go through it.
    await Promise.all([...this.idle, ...this.idleProvisioned].map((env) => env.stop()));
    this.checkEmpty();
  }

  /** Stops every environment, busy ones included; resolves when every process is gone. */
  async shutdown(): Promise<void> {
    this.retired = true;
    await Promise.all([...this.environments].map((env) => env.stop()));
    while (this.stopping.size > 0) await Promise.all([...this.stopping]);
  }

  stats(): PoolStats {
    const count = (state: string): number => [...this.environments].filter((e) => e.state === state).length;
    const starting = count('starting');
    const idle = count('idle');
    const busy = count('busy');
    return {
      environments: starting + idle + busy, starting, idle, busy, stopping: this.environments.size - starting - idle - busy,
      provisioned: [...this.provisioned].filter((e) => e.state === 'starting' || e.state === 'idle' || e.state === 'busy').length,
    };
  }

  private async startProvisioned(): Promise<string | undefined> {
    const env = new Environment(provisionedSpec(this.spec), this.options);
    env.onGone = (gone) => this.gone(gone);
    this.environments.add(env);
    this.provisioned.add(env);
    const failure = await env.start(`provisioned-${env.id}`);
    if (failure) return statusReason(failure);
    if (env.state !== 'idle') return 'the execution environment stopped before it was ready';
    if (this.retired || this.provisioned.size > this.provisionedTarget) {
      this.provisioned.delete(env);
      void env.stop();
      return undefined;
    }
    this.warm.add(env);
    this.idleProvisioned.push(env);
    return undefined;
  }

  /** An environment left service (died, reaped, retired): forget it once its processes are gone. */
  private gone(env: Environment): void {
    this.clearReapTimer(env);
    const index = this.idle.indexOf(env);
    if (index >= 0) this.idle.splice(index, 1);
    const pIndex = this.idleProvisioned.indexOf(env);
    if (pIndex >= 0) this.idleProvisioned.splice(pIndex, 1);
    // A provisioned environment that was ready and then died (crash, timeout) is replaced, as
    // Lambda keeps the allocation; one that never got ready is not retried in a loop.
    const wasWarm = this.warm.delete(env);
    if (this.provisioned.delete(env) && wasWarm && !this.retired && this.provisioned.size < this.provisionedTarget) {
      void this.startProvisioned();
    }
    const done: Promise<void> = env
      .stop()
      .catch((err: unknown) => this.options.logger?.warn({ envId: env.id, err }, 'environment did not stop cleanly'))
      .finally(() => {
        this.environments.delete(env);
        this.stopping.delete(done);
        this.checkEmpty();
      });
    this.stopping.add(done);
  }

  private clearReapTimer(env: Environment): void {
    clearTimeout(this.reapTimers.get(env));
    this.reapTimers.delete(env);
  }

  private checkEmpty(): void {
    if (this.retired && this.environments.size === 0) this.onEmpty?.();
  }
}

/** A failed start's error payload as a StatusReason: `errorType: errorMessage`. */
function statusReason(failure: InvocationResult): string {
  try {
    const e = JSON.parse(failure.payload.toString('utf8')) as { errorType?: string; errorMessage?: string };
    return [e.errorType, e.errorMessage].filter(Boolean).join(': ') || 'the execution environment could not start';
  } catch {
    return 'the execution environment could not start';
  }
}
