// The default executor: the runtime as a child process of the server, in its own process group
// (a timeout kills everything it started), with only the Lambda environment variables, its code
// folder as cwd and its memory capped (see memory-control.ts).
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { access, constants, stat } from 'node:fs/promises';
import { launchRecipe, runtimeSupport, RUNTIMES } from '../runtimes/table.js';
import {
  ExecutorStartError,
  type Executor,
  type ExecutorProcess,
  type ExecutorStartOptions,
  type ProcessExit,
  type RuntimeSupport,
} from './executor.js';
import { lambdaEnvironment } from './launch-env.js';
import { detectMemoryControl, type MemoryCage, type MemoryControl, type MemoryMode } from './memory-control.js';

/** Joins the cgroup before exec, so not one allocation or child escapes the cap. */
const JOIN_CGROUP = 'echo $$ > "$0" && exec "$@"';

export interface ProcessExecutorOptions {
  /** Defaults to what detectMemoryControl() finds on this machine. */
  readonly memory?: MemoryControl;
}

/** The runtime's entry point must exist and be executable: AWS's Runtime.InvalidEntrypoint. */
async function checkEntrypoint(command: string, codeDir: string): Promise<void> {
  try {
    const info = await stat(codeDir);
    if (!info.isDirectory()) throw new Error('not a directory');
  } catch {
    throw new ExecutorStartError('Runtime.InvalidWorkingDir', `chdir ${codeDir}: no such file or directory`);
  }
  if (!command.includes('/')) return;
  try {
    await access(command, constants.X_OK);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const message =
      code === 'ENOENT' ? `Couldn't find valid bootstrap(s): [${command}]` : `fork/exec ${command}: permission denied`;
    throw new ExecutorStartError('Runtime.InvalidEntrypoint', message);
  }
}

export class ProcessExecutor implements Executor {
  readonly name = 'process';
  readonly memory: MemoryControl;

  constructor(options: ProcessExecutorOptions = {}) {
    this.memory = options.memory ?? detectMemoryControl();
  }

  get memoryMode(): MemoryMode {
    return this.memory.mode;
  }

  support(runtime: string): RuntimeSupport {
    return runtimeSupport(runtime);
  }

  async start(o: ExecutorStartOptions): Promise<ExecutorProcess> {
    const { spec } = o;
    const support = runtimeSupport(spec.runtime);
    const recipe = launchRecipe(spec.runtime, spec.codeDir);
    if (!support.ok || !recipe) {
      throw new ExecutorStartError('InvalidRuntimeException', support.ok ? `unknown runtime '${spec.runtime}'` : support.reason);
    }
    await checkEntrypoint(recipe.command, spec.codeDir);
    const env = lambdaEnvironment({
      spec,
      runtimeApiAddress: o.runtimeApiAddress,
      logStreamName: o.logStreamName,
      tmpDir: o.tmpDir,
      runtimeDir: recipe.runtimeDir,
      executionEnv: RUNTIMES[spec.runtime]?.executionEnv,
      hostPath: process.env['PATH'] ?? '/usr/local/bin:/usr/bin:/bin',
    });
    const cage = this.memory.create(o.envId, spec.memoryMb);
    const [command, args] = cage.procsFile
      ? ['/bin/sh', ['-c', JOIN_CGROUP, cage.procsFile, recipe.command, ...recipe.args]]
      : [recipe.command, [...recipe.memoryCapArgs(spec.memoryMb), ...recipe.args]];
    const child = spawn(command, args, { cwd: spec.codeDir, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    try {
      await Promise.race([once(child, 'spawn'), once(child, 'error').then(([err]) => Promise.reject(err))]);
    } catch (err) {
      await cage.remove();
      throw new ExecutorStartError('Runtime.InvalidEntrypoint', `fork/exec ${recipe.command}: ${(err as Error).message}`);
    }
    return new ChildHandle(child.pid!, child, cage);
  }
}

class ChildHandle implements ExecutorProcess {
  readonly stdout;
  readonly stderr;
  private exit: ProcessExit | undefined;
  private readonly listeners: ((exit: ProcessExit) => void)[] = [];
  private released: Promise<void> | undefined;

  constructor(
    readonly pid: number,
    child: ReturnType<typeof spawn>,
    private readonly cage: MemoryCage,
  ) {
    this.stdout = child.stdout!;
    this.stderr = child.stderr!;
    child.once('exit', (code, signal) => {
      this.exit = { code, signal, oomKilled: signal === 'SIGKILL' && cage.oomKilled() };
      for (const listener of this.listeners.splice(0)) listener(this.exit);
    });
    cage.watch(pid, () => this.kill());
  }

  onExit(listener: (exit: ProcessExit) => void): void {
    if (this.exit) listener(this.exit);
    else this.listeners.push(listener);
  }

  kill(): void {
    try {
      process.kill(-this.pid, 'SIGKILL');
    } catch {
      // the whole group is gone already
    }
  }

  maxMemoryUsedMb(): number {
    return Math.ceil(this.cage.maxUsageBytes() / (1024 * 1024));
  }

  release(): Promise<void> {
    this.released ??= (async () => {
      this.kill();
      if (!this.exit) await new Promise<void>((resolve) => this.onExit(() => resolve()));
      // Only after the group is dead: also reaps what left the group (setsid) but not the cgroup.
      await this.cage.remove();
    })();
    return this.released;
  }
}
