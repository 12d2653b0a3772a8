// The execution environments of one function version (LocalStack's "one manager per function
// version"): warm reuse, cold starts that scale out without a limit of their own (the invoke
// service holds the concurrency leases), keep-alive reaping, retirement and shutdown.
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
}

export class VersionPool {
  private readonly environments = new Set<Environment>();
  /** Idle environments; the most recently released is reused first, so extra ones age out. */
  private readonly idle: Environment[] = [];
  private readonly reapTimers = new Map<Environment, NodeJS.Timeout>();
  private readonly stopping = new Set<Promise<void>>();
  private retired = false;
  /** Called once a retired pool has no environment left. */
  onEmpty: (() => void) | undefined;

  constructor(
    readonly spec: EnvironmentSpec,
    private readonly options: VersionPoolOptions,
  ) {}

  /** A warm idle environment, else a new one (cold start); each concurrent acquire gets its own. */
  async acquire(requestId: string): Promise<Lease> {
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
    env.markIdle();
    this.idle.push(env);
    const timer = setTimeout(() => void env.stop(), this.options.keepAliveMs);
    timer.unref();
    this.reapTimers.set(env, timer);
  }

  /** Stops idle environments now and busy ones after their invocation; new acquires still work. */
  async retire(): Promise<void> {
    this.retired = true;
    await Promise.all(this.idle.map((env) => env.stop()));
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
    return { environments: starting + idle + busy, starting, idle, busy, stopping: this.environments.size - starting - idle - busy };
  }

  /** An environment left service (died, reaped, retired): forget it once its processes are gone. */
  private gone(env: Environment): void {
    this.clearReapTimer(env);
    const index = this.idle.indexOf(env);
    if (index >= 0) this.idle.splice(index, 1);
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
