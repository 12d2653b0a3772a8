// Where a runtime process lives, behind one interface (DESIGN.md "Executors"): the process
// executor runs it as a child process; a docker executor or a test fake can take its place.
import type { Readable } from 'node:stream';
import type { EnvironmentSpec, RuntimeTarget } from './types.js';

export interface ExecutorStartOptions {
  /** 32 hex digits; names the cgroup and the temp folder. */
  readonly envId: string;
  readonly spec: EnvironmentSpec;
  /** host:port of this environment's Runtime API, as the runtime must reach it. */
  readonly runtimeApiAddress: string;
  readonly logStreamName: string;
  /** The environment's private temp folder (TMPDIR); created and removed by the environment. */
  readonly tmpDir: string;
}

export interface ProcessExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  /** The memory limit killed it (cgroup OOM kill, or RSS over the limit without cgroups). */
  readonly oomKilled: boolean;
}

export interface ExecutorProcess {
  readonly pid: number;
  /** The runtime's output; the environment splits it into log lines. */
  readonly stdout: Readable;
  readonly stderr: Readable;
  /** Called once when the runtime process ends (at once if it already has). */
  onExit(listener: (exit: ProcessExit) => void): void;
  /** Kills the runtime and everything it started. Safe to call more than once. */
  kill(): void;
  /**
   * Resolves once the output written before the runtime answered `requestId` has arrived, where it
   * travels apart from the Runtime API (containers); absent where it cannot lag behind (processes).
   */
  outputSettled?(requestId: string): Promise<void>;
  /** High-water mark of the environment's memory, in MB. */
  maxMemoryUsedMb(): number;
  /** Kills what is left and releases what start() acquired; resolves when every process is gone. */
  release(): Promise<void>;
}

import type { RuntimeSupport } from '../runtimes/table.js';
export type { RuntimeSupport };

/** Where an environment's Runtime API listens, and the address its runtime is told to call. */
export interface RuntimeApiHost {
  /** The local IP address the listener binds. */
  readonly bind: string;
  /** The host part of AWS_LAMBDA_RUNTIME_API, as the runtime reaches the listener. */
  readonly advertise: string;
}

export interface Executor {
  readonly name: string;
  /** Unset: 127.0.0.1 for both, right for runtimes on this host; a container needs another. */
  readonly runtimeApiHost?: RuntimeApiHost;
  /** Whether this executor can run the function; the engine fails an invoke fast when it cannot. */
  support(target: RuntimeTarget): RuntimeSupport;
  start(options: ExecutorStartOptions): Promise<ExecutorProcess>;
  /** Releases what the executor itself holds (not the environments', which the engine stops). */
  close?(): Promise<void>;
}

/** start() failed before a runtime ran; errorType is what AWS reports for it. */
export class ExecutorStartError extends Error {
  constructor(
    readonly errorType: string,
    message: string,
  ) {
    super(message);
    this.name = 'ExecutorStartError';
  }
}
