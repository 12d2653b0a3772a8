// One function container as the ExecutorProcess the environment drives: its output (attached
// before start, so not a byte is lost, and demultiplexed into stdout and stderr), its exit from the
// Engine's wait and inspect (State.OOMKilled: the memory limit killed it), kill on a timeout, and
// removal when the environment goes.
import { constants } from 'node:os';
import { PassThrough } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import type Docker from 'dockerode';
import { dockerMessage, dockerStatus } from './docker-connection.js';
import { memoryPeak, toMb, type MemoryPeak } from './docker-memory.js';
import { ExecutorStartError, type ExecutorProcess, type ProcessExit } from './executor.js';
import { OutputMarks } from './output-marks.js';

/** Why the Engine refused to start a container, as the Lambda error the runtime would get. */
const START_ERRORS: readonly { readonly pattern: RegExp; readonly errorType: string }[] = [
  // runc cannot exec the entrypoint: missing, not executable, or a bad interpreter line.
  { pattern: /exec: .*(no such file|permission denied|not found|exec format error)|executable file not found/i, errorType: 'Runtime.InvalidEntrypoint' },
  { pattern: /chdir|working directory/i, errorType: 'Runtime.InvalidWorkingDir' },
];

function startError(err: unknown): ExecutorStartError {
  const message = dockerMessage(err);
  const known = START_ERRORS.find((e) => e.pattern.test(message));
  return new ExecutorStartError(known?.errorType ?? 'Runtime.Unknown', message);
}

/** Waiting for an invocation's output: quiet for this long, when its runtime writes no marks. */
const OUTPUT_QUIET_MS = 10;
/** The longest wait for an invocation's output, marks or not. */
const OUTPUT_MAX_MS = 250;
/** Exit statuses over 128 are 128 + the signal that ended the process (docker kill gives 137). */
const SIGNALS_BY_NUMBER = new Map(Object.entries(constants.signals).map(([name, n]) => [n, name as NodeJS.Signals]));

function containerExit(exitCode: number, oomKilled: boolean): ProcessExit {
  const signal = exitCode > 128 ? SIGNALS_BY_NUMBER.get(exitCode - 128) : undefined;
  return signal ? { code: null, signal, oomKilled } : { code: exitCode, signal: null, oomKilled };
}

export class ContainerProcess implements ExecutorProcess {
  readonly stdout = new PassThrough();
  readonly stderr = new PassThrough();
  pid = 0;
  private exit: ProcessExit | undefined;
  private readonly listeners: ((exit: ProcessExit) => void)[] = [];
  private memory: MemoryPeak | undefined;
  private released: Promise<void> | undefined;
  /** performance.now() of the last output from the container. */
  private lastOutputMs = 0;
  /** The end-of-invocation marks in the stdout of a runtime given LAMBDALITE_OUTPUT_MARK (output-marks.ts). */
  private readonly marks: OutputMarks | undefined;

  private constructor(
    private readonly container: Docker.Container,
    private readonly memoryMb: number,
    markToken: string | undefined,
  ) {
    if (markToken !== undefined) this.marks = new OutputMarks(markToken, this.stdout);
  }

  /**
   * Creates, attaches and starts the container; removes it again if any step fails. `markToken`:
   * the LAMBDALITE_OUTPUT_MARK its runtime was given, if any, whose stderr then goes into stdout.
   */
  static async start(
    docker: Docker,
    options: Docker.ContainerCreateOptions,
    memoryMb: number,
    markToken?: string,
  ): Promise<ContainerProcess> {
    let container: Docker.Container;
    try {
      container = await docker.createContainer(options);
    } catch (err) {
      throw startError(err);
    }
    const proc = new ContainerProcess(container, memoryMb, markToken);
    try {
      const stream = await container.attach({ stream: true, stdout: true, stderr: true });
      docker.modem.demuxStream(stream, proc.marks?.writable ?? proc.stdout, proc.stderr);
      stream.on('data', () => (proc.lastOutputMs = performance.now()));
      stream.once('end', () => proc.endOutput());
      stream.once('close', () => proc.endOutput());
      stream.on('error', () => proc.endOutput());
      await container.start();
      const info = await container.inspect();
      proc.pid = info.State.Pid;
      proc.memory = memoryPeak(container, proc.pid);
    } catch (err) {
      await container.remove({ force: true }).catch(() => undefined);
      throw startError(err);
    }
    proc.watch();
    return proc;
  }

  onExit(listener: (exit: ProcessExit) => void): void {
    if (this.exit) listener(this.exit);
    else this.listeners.push(listener);
  }

  kill(): void {
    if (!this.exit) this.container.kill().catch(() => undefined); // 404/409: already gone or stopped
  }

  /**
   * Output the runtime wrote before its /next reaches us through dockerd, after the Runtime API
   * call that ends the invocation: without a wait, the last lines of an invocation landed in the
   * next one's log under load. lambdalite's runtime clients mark the end of each invocation's
   * output; for other runtimes there is no exact signal, so wait OUTPUT_QUIET_MS, and on while
   * output keeps arriving (at most OUTPUT_MAX_MS).
   */
  async outputSettled(requestId: string): Promise<void> {
    const started = performance.now();
    for (;;) {
      if (this.marks?.used) return this.marks.settled(requestId, OUTPUT_MAX_MS - (performance.now() - started));
      await sleep(OUTPUT_QUIET_MS);
      const now = performance.now();
      if (now - this.lastOutputMs >= OUTPUT_QUIET_MS || now - started >= OUTPUT_MAX_MS) return;
    }
  }

  maxMemoryUsedMb(): number {
    const peakMb = toMb(this.memory?.peakBytes() ?? 0);
    // Killed at the limit: the cgroup that knew the peak may be gone already, but it was the limit.
    return this.exit?.oomKilled ? Math.max(peakMb, this.memoryMb) : peakMb;
  }

  release(): Promise<void> {
    this.released ??= (async () => {
      this.memory?.peakBytes(); // a last sample, while the cgroup still exists
      this.memory?.stop();
      try {
        await this.container.remove({ force: true });
      } catch (err) {
        if (dockerStatus(err) !== 404 && dockerStatus(err) !== 409) throw err;
      }
      // The attach stream ends by itself once the container is gone, and with it the output.
      if (!this.exit) await new Promise<void>((resolve) => this.onExit(() => resolve()));
    })();
    return this.released;
  }

  /** The Engine's wait returns when the container stops; inspect then says whether OOM killed it. */
  private watch(): void {
    void (async () => {
      let exit: ProcessExit;
      try {
        const { StatusCode } = (await this.container.wait()) as { StatusCode: number };
        const state = await this.container.inspect().then(
          (info) => info.State,
          () => undefined,
        );
        exit = containerExit(state?.ExitCode ?? StatusCode, state?.OOMKilled ?? false);
      } catch {
        exit = { code: null, signal: 'SIGKILL', oomKilled: false }; // removed under the wait
      }
      this.exit = exit;
      for (const listener of this.listeners.splice(0)) listener(exit);
    })();
  }

  private endOutput(): void {
    for (const stream of [this.marks?.writable ?? this.stdout, this.stderr]) {
      if (!stream.writableEnded) stream.end();
    }
  }
}
