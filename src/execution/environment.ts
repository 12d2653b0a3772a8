// One execution environment: a runtime process, its own Runtime API listener, its temp folder and
// its log capture, driven through explicit states (environment-state.ts). Runtime API calls and
// the process's exit arrive as signals; start() and invoke() wait for the next one or a deadline.
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { startRuntimeApiServer, type RuntimeApiServer } from '../runtime-api/server.js';
import type { RuntimeApiListener, RuntimeErrorReport } from '../runtime-api/session.js';
import { EnvironmentStateMachine, type EnvironmentState } from './environment-state.js';
import { ExecutorStartError, type Executor, type ExecutorProcess, type ProcessExit } from './executor.js';
import {
  exited,
  failureLogLines,
  reported,
  responseTooLarge,
  startFailed,
  timedOut,
  timedOutLogLine,
  type Failure,
} from './failures.js';
import { LogCapture, type LogLine } from './log-capture.js';
import { logStreamName } from './log-stream.js';
import { createTmpDir, removeTmpDir, TmpDirMeter } from './tmp-dir.js';
import type { EnvironmentSpec, InvocationOutcome, InvocationRequest, InvocationResult } from './types.js';

export interface ExecutionLogger {
  debug(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
}

export interface EnvironmentOptions {
  readonly executor: Executor;
  readonly tmpRoot: string;
  /** AWS's init phase limit (10 s); init may also use the function timeout, as Lambda retries a slow init inside the invoke. */
  readonly initLimitMs: number;
  readonly logger: ExecutionLogger | undefined;
}

interface Answer {
  readonly outcome: InvocationOutcome;
  readonly payload: Buffer;
}

type Signal =
  | { readonly kind: 'ready' }
  | { readonly kind: 'init-error'; readonly report: RuntimeErrorReport }
  | { readonly kind: 'answer'; readonly answer: Answer }
  | { readonly kind: 'exit'; readonly exit: ProcessExit };

/** How long to wait for a dead process's last output to arrive. */
const DRAIN_MS = 250;
const MiB = 1024 * 1024;

export class Environment {
  readonly id = randomBytes(16).toString('hex');
  readonly logStreamName: string;
  readonly tmpDir: string;
  private readonly tmpMeter: TmpDirMeter;
  /** Spawn to first /next (AWS's Init Duration); set once init ends, successfully or not. */
  initDurationMs: number | undefined;
  /** Called once when the environment leaves service (dead or stopping). */
  onGone: ((env: Environment) => void) | undefined;

  private readonly machine = new EnvironmentStateMachine();
  private readonly logs = new LogCapture();
  private server: RuntimeApiServer | undefined;
  private process: ExecutorProcess | undefined;
  private launching: Promise<void> | undefined;
  private disposing: Promise<void> | undefined;
  private readonly signals: Signal[] = [];
  private wake: (() => void) | undefined;
  private coldStartUnreported = false;
  /** performance.now() at spawn: durations are reported to 1/100 ms, as in REPORT lines. */
  private spawnedAt: number | undefined;

  private readonly listener: RuntimeApiListener = {
    ready: () => this.signal({ kind: 'ready' }),
    initError: (report) => this.signal({ kind: 'init-error', report }),
    response: (_id, payload) => this.signal({ kind: 'answer', answer: { outcome: 'success', payload } }),
    error: (_id, report) => this.signal({ kind: 'answer', answer: { outcome: 'function-error', payload: reported(report).payload } }),
    responseTooLarge: () =>
      this.signal({ kind: 'answer', answer: { outcome: 'response-too-large', payload: responseTooLarge().payload } }),
  };

  constructor(
    readonly spec: EnvironmentSpec,
    private readonly options: EnvironmentOptions,
  ) {
    this.logStreamName = logStreamName(spec.version, this.id);
    this.tmpDir = join(options.tmpRoot, this.id);
    this.tmpMeter = new TmpDirMeter(this.tmpDir);
  }

  get state(): EnvironmentState {
    return this.machine.state;
  }

  get pid(): number | undefined {
    return this.process?.pid;
  }

  /** The Runtime API address (host:port); set once start() has begun listening. */
  get runtimeApiAddress(): string | undefined {
    return this.server?.address;
  }

  maxMemoryUsedMb(): number {
    return this.process?.maxMemoryUsedMb() ?? 0;
  }

  /** Starts the runtime and waits for its first /next. On failure: the init-error result for `requestId`. */
  async start(requestId: string): Promise<InvocationResult | undefined> {
    if (this.launching || this.state !== 'starting') throw new Error(`environment ${this.id} was already started`);
    const startedMs = Date.now();
    const startedAt = performance.now();
    this.launching = this.launch();
    let failure: Failure | undefined;
    try {
      await this.launching;
      failure = await this.awaitInit(requestId, startedMs + this.options.initLimitMs + this.spec.timeoutSeconds * 1000);
    } catch (err) {
      const e = err instanceof ExecutorStartError ? err : new ExecutorStartError('Runtime.Unknown', (err as Error).message);
      failure = startFailed(requestId, e.errorType, e.message);
    }
    this.initDurationMs = performance.now() - (this.spawnedAt ?? startedAt);
    if (!failure && this.state === 'starting') {
      this.machine.moveTo('idle');
      // A provisioned environment's init ran before any invocation: its REPORT has no Init Duration.
      this.coldStartUnreported = this.spec.initializationType !== 'provisioned-concurrency';
      return undefined;
    }
    failure ??= exited(requestId, { code: null, signal: 'SIGKILL', oomKilled: false });
    await this.die();
    await this.logs.drained(DRAIN_MS);
    return this.result('init-error', failure.payload, this.initDurationMs, [], this.initDurationMs);
  }

  /** Pool bookkeeping: an idle environment is handed to one invocation. */
  markBusy(): void {
    this.machine.moveTo('busy');
  }

  markIdle(): void {
    this.machine.moveTo('idle');
  }

  /** Runs one invocation; the environment must be busy (the pool's). Ends busy, or dead on failure. */
  async invoke(req: InvocationRequest): Promise<InvocationResult> {
    const session = this.server?.session;
    if (this.state !== 'busy' || !session) throw new Error(`environment ${this.id} is ${this.state}, not busy`);
    const timeoutMs = this.spec.timeoutSeconds * 1000;
    const startedAt = performance.now();
    const deadlineMs = Date.now() + timeoutMs;
    session.dispatch({
      requestId: req.requestId,
      payload: req.payload,
      deadlineMs,
      invokedFunctionArn: req.invokedFunctionArn,
      traceId: req.traceId,
      clientContext: req.clientContext,
      cognitoIdentity: undefined,
    });
    let answer: Answer | undefined;
    let platformLines: readonly string[] = [];
    while (!answer) {
      const s = await this.nextSignal(deadlineMs);
      if (s === 'deadline') {
        answer = { outcome: 'timeout', payload: timedOut(req.requestId, this.spec.timeoutSeconds).payload };
        platformLines = [timedOutLogLine(req.requestId, this.spec.timeoutSeconds)];
      } else if (s.kind === 'answer') answer = s.answer;
      else if (s.kind === 'exit') {
        const failure = exited(req.requestId, s.exit);
        answer = { outcome: 'crash', payload: failure.payload };
        platformLines = failureLogLines(failure);
      }
    }
    const durationMs = answer.outcome === 'timeout' ? timeoutMs : performance.now() - startedAt;
    const notes: LogLine[] = [];
    const healthy = answer.outcome !== 'timeout' && answer.outcome !== 'crash' && (await this.awaitRuntimeDone(deadlineMs));
    if (healthy) {
      await nextTurn(); // output written before the runtime's /next is read in the same loop turn
      await this.process?.outputSettled?.(req.requestId);
      const usedBytes = await this.tmpMeter.usageBytes();
      if (usedBytes > this.spec.ephemeralStorageMb * MiB) {
        notes.push({
          timeMs: Date.now(),
          line: `[lambdalite] ${Math.ceil(usedBytes / MiB)} MB in /tmp exceeds EphemeralStorage ${this.spec.ephemeralStorageMb} MB: environment discarded`,
        });
        await this.die();
      }
    } else {
      await this.die();
      await this.logs.drained(DRAIN_MS);
      // After the runtime's last output, as Lambda writes them to the function's log.
      for (const line of platformLines) notes.push({ timeMs: Date.now(), line });
    }
    const initDurationMs = this.coldStartUnreported ? this.initDurationMs : undefined;
    this.coldStartUnreported = false;
    return this.result(answer.outcome, answer.payload, durationMs, notes, initDurationMs);
  }

  /** Stops the environment (kills the process group); resolves when every process is gone. */
  async stop(): Promise<void> {
    if (this.machine.can('stopping')) {
      this.machine.moveTo('stopping');
      this.onGone?.(this);
    }
    await this.dispose();
    if (this.state === 'stopping') this.machine.moveTo('stopped');
  }

  private async launch(): Promise<void> {
    this.server = await startRuntimeApiServer(this.listener, this.options.executor.runtimeApiHost);
    await createTmpDir(this.tmpDir);
    this.spawnedAt = performance.now();
    const proc = await this.options.executor.start({
      envId: this.id,
      spec: this.spec,
      runtimeApiAddress: this.server.address,
      logStreamName: this.logStreamName,
      tmpDir: this.tmpDir,
    });
    this.process = proc;
    this.logs.attach(proc.stdout);
    this.logs.attach(proc.stderr);
    proc.onExit((exit) => this.signal({ kind: 'exit', exit }));
    this.options.logger?.debug({ envId: this.id, pid: proc.pid, function: this.spec.functionName }, 'runtime started');
  }

  private async awaitInit(requestId: string, deadlineMs: number): Promise<Failure | undefined> {
    for (;;) {
      const s = await this.nextSignal(deadlineMs);
      if (s === 'deadline') return timedOut(requestId, this.spec.timeoutSeconds);
      if (s.kind === 'ready') return undefined;
      if (s.kind === 'init-error') return reported(s.report);
      if (s.kind === 'exit') return exited(requestId, s.exit);
    }
  }

  /** After an answer: true once the runtime polls /next again, false if it dies or runs out of time. */
  private async awaitRuntimeDone(deadlineMs: number): Promise<boolean> {
    for (;;) {
      const s = await this.nextSignal(deadlineMs);
      if (s === 'deadline' || s.kind === 'exit') return false;
      if (s.kind === 'ready') return true;
    }
  }

  private signal(s: Signal): void {
    if (s.kind === 'exit' && this.state === 'idle') {
      this.options.logger?.warn({ envId: this.id, exit: s.exit }, 'idle runtime exited; environment discarded');
      void this.die();
      return;
    }
    this.signals.push(s);
    this.wake?.();
  }

  private async nextSignal(deadlineMs: number): Promise<Signal | 'deadline'> {
    for (;;) {
      const s = this.signals.shift();
      if (s) return s;
      const remainingMs = deadlineMs - Date.now();
      if (remainingMs <= 0) return 'deadline';
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, remainingMs);
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.wake = undefined;
    }
  }

  private die(): Promise<void> {
    if (this.machine.can('dead')) {
      this.machine.moveTo('dead');
      this.onGone?.(this);
    }
    return this.dispose();
  }

  /** Releases everything the environment holds; once, whatever the path that got here. */
  private dispose(): Promise<void> {
    this.disposing ??= (async () => {
      await this.launching?.catch(() => undefined);
      try {
        await this.process?.release();
      } catch (err) {
        this.options.logger?.warn({ envId: this.id, err }, 'runtime process not fully released');
      }
      await this.server?.close();
      await removeTmpDir(this.tmpDir);
    })();
    return this.disposing;
  }

  private result(
    outcome: InvocationOutcome,
    payload: Buffer,
    durationMs: number,
    notes: readonly LogLine[],
    initDurationMs: number | undefined,
  ): InvocationResult {
    return {
      outcome,
      payload,
      logLines: [...this.logs.take(), ...notes],
      durationMs,
      initDurationMs,
      maxMemoryUsedMb: this.maxMemoryUsedMb(),
      logStreamName: this.logStreamName,
    };
  }
}
