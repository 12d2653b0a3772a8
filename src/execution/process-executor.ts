// The default executor: the runtime as a child process of the server, in its own process group
// (a timeout kills everything it started), with only the Lambda environment variables, its code
// folder as cwd and its memory capped (see memory-control.ts); optionally inside bubblewrap
// (see sandbox.ts), inside the cgroup so the cap covers the whole sandbox. A function's layers are
// its merged /opt tree (spec.optDir): the runtime gets its layer search paths into that tree, or
// into /opt where the sandbox binds it there.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { access, constants, stat } from 'node:fs/promises';
import { join, posix } from 'node:path';
import { customBootstrap, layerRuntimeArgs } from '../runtimes/layer-paths.js';
import { launchRecipe, PACKAGE_ROOT, runtimeSupport, RUNTIMES, type LaunchRecipe, type RuntimeFamily } from '../runtimes/table.js';
import {
  ExecutorStartError,
  type Executor,
  type ExecutorProcess,
  type ExecutorStartOptions,
  type ProcessExit,
  type RuntimeSupport,
} from './executor.js';
import type { EnvironmentSpec, RuntimeTarget } from './types.js';
import { ZygotePool, type Zygote } from './zygote-pool.js';
import { lambdaEnvironment } from './launch-env.js';
import { batchScheduled } from './scheduling.js';
import { detectMemoryControl, inCgroup, type MemoryCage, type MemoryControl, type MemoryMode } from './memory-control.js';
import {
  bwrapArgs,
  bwrapAvailable,
  bwrapExit,
  hostSystem,
  lambdaLayout,
  OPT_DIR,
  optEntries,
  runtimePidInside,
  sandboxPath,
  SANDBOX_TMP,
  TASK_ROOT,
  type HostEntry,
  type SandboxMode,
} from './sandbox.js';

const IMAGES_NEED_DOCKER: RuntimeSupport = {
  ok: false,
  reason: 'container-image functions (PackageType Image) run only on the docker executor: start lambdalite with --executor docker',
};

const HOST_PATH = process.env['PATH'] ?? '/usr/local/bin:/usr/bin:/bin';

/**
 * The runtime families with zygotes: the runtime id whose recipe they boot with (every version of
 * a family runs the same interpreter and client here), and the variables an interpreter reads only
 * when it starts, so a function that sets one is spawned with it instead.
 */
const ZYGOTE_FAMILIES: Partial<Record<RuntimeFamily, { readonly runtime: string; readonly startupVariable: (name: string) => boolean }>> = {
  nodejs: { runtime: 'nodejs20.x', startupVariable: (name) => name === 'NODE_OPTIONS' },
  python: { runtime: 'python3.12', startupVariable: (name) => name.startsWith('PYTHON') },
};

export interface ProcessExecutorOptions {
  /** Defaults to what detectMemoryControl() finds on this machine. */
  readonly memory?: MemoryControl;
  /** 'bwrap' runs each runtime in bubblewrap; the constructor throws if bwrap cannot run here. */
  readonly sandbox?: SandboxMode;
  /**
   * Pre-started runtimes kept waiting for a function (zygote-pool.ts), per family (Node.js,
   * Python); 0 for none. Used only with cgroup memory caps and no sandbox, where a zygote runs
   * exactly as a spawned runtime.
   */
  readonly zygotes?: number;
}

/** What to spawn, with which Lambda paths, once the recipe is placed in (or out of) a sandbox. */
interface Placement {
  readonly command: string;
  readonly args: readonly string[];
  readonly codeDir: string;
  readonly tmpDir: string;
  readonly runtimeDir: string;
  readonly optDir: string | undefined;
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

/** A custom runtime whose code has no bootstrap runs its layers' (layer-paths.ts customBootstrap). */
function withLayerBootstrap(recipe: LaunchRecipe, spec: EnvironmentSpec): LaunchRecipe {
  if (spec.optDir === undefined || recipe.command !== join(spec.codeDir, 'bootstrap')) return recipe;
  return customBootstrap(spec.codeDir, spec.optDir) === 'opt' ? { ...recipe, command: join(spec.optDir, 'bootstrap') } : recipe;
}

export class ProcessExecutor implements Executor {
  readonly name = 'process';
  readonly memory: MemoryControl;
  readonly sandbox: SandboxMode;
  private readonly bwrapPath: string | undefined;
  /** The host's system layer per interpreter, looked up once. */
  private readonly systems = new Map<string, readonly HostEntry[]>();
  private readonly zygotes = new Map<RuntimeFamily, ZygotePool>();

  constructor(options: ProcessExecutorOptions = {}) {
    this.memory = options.memory ?? detectMemoryControl();
    this.sandbox = options.sandbox ?? 'none';
    if (this.sandbox === 'bwrap') {
      // An explicit request for isolation: refuse to run without it rather than run unisolated.
      const bwrap = bwrapAvailable();
      if (!bwrap.ok) throw new Error(`sandbox 'bwrap' was asked for, but bubblewrap cannot be used: ${bwrap.reason}`);
      this.bwrapPath = bwrap.path;
    }
    const size = options.zygotes ?? 0;
    if (size === 0 || this.sandbox !== 'none' || this.memory.mode === 'rss') return;
    const env = { PATH: HOST_PATH, TZ: ':UTC', LANG: 'en_US.UTF-8', LAMBDALITE_ZYGOTE: '1' };
    for (const [family, { runtime }] of Object.entries(ZYGOTE_FAMILIES) as [RuntimeFamily, { runtime: string }][]) {
      const recipe = launchRecipe(runtime, '');
      if (!recipe || !runtimeSupport(runtime).ok) continue;
      this.zygotes.set(family, new ZygotePool({ command: recipe.command, args: recipe.args, env, cwd: '/' }, size, this.memory));
    }
  }

  get memoryMode(): MemoryMode {
    return this.memory.mode;
  }

  support(target: RuntimeTarget): RuntimeSupport {
    if (target.image) return IMAGES_NEED_DOCKER;
    return runtimeSupport(target.runtime);
  }

  async start(o: ExecutorStartOptions): Promise<ExecutorProcess> {
    const { spec } = o;
    const support = this.support(spec);
    const found = launchRecipe(spec.runtime, spec.codeDir);
    if (!support.ok || !found) {
      throw new ExecutorStartError('InvalidRuntimeException', support.ok ? `unknown runtime '${spec.runtime}'` : support.reason);
    }
    const recipe = withLayerBootstrap(found, spec);
    await checkEntrypoint(recipe.command, spec.codeDir);
    const zygote = this.zygoteFor(spec);
    if (zygote) {
      // Zygotes run only unsandboxed, where the placement is the recipe's own paths.
      const env = this.environment(o, this.place(recipe, recipe.args, spec.codeDir, o.tmpDir, spec.optDir));
      ZygotePool.assign(zygote, spec.memoryMb, { env, cwd: spec.codeDir });
      return new ChildHandle(zygote.child.pid!, zygote.child, zygote.cage, zygote.child.pid!, false);
    }
    const cage = this.memory.create(o.envId, spec.memoryMb);
    const runtimeArgs = [
      ...(spec.optDir !== undefined ? layerRuntimeArgs(spec.runtime) : []),
      ...(cage.procsFile ? recipe.args : [...recipe.memoryCapArgs(spec.memoryMb), ...recipe.args]),
    ];
    const placed = this.place(recipe, runtimeArgs, spec.codeDir, o.tmpDir, spec.optDir);
    const env = this.environment(o, placed);
    const batch = batchScheduled(placed.command, placed.args);
    const [command, args] = cage.procsFile ? inCgroup(cage.procsFile, ...batch) : batch;
    const child = spawn(command, args, { cwd: spec.codeDir, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    try {
      await Promise.race([once(child, 'spawn'), once(child, 'error').then(([err]) => Promise.reject(err))]);
    } catch (err) {
      await cage.remove();
      throw new ExecutorStartError('Runtime.InvalidEntrypoint', `fork/exec ${recipe.command}: ${(err as Error).message}`);
    }
    const sandboxed = this.bwrapPath !== undefined;
    // The rss watcher samples one process: below bwrap's, the runtime's own (a cgroup needs no pid).
    const watchPid = sandboxed && !cage.procsFile ? runtimePidInside(child.pid!) : child.pid!;
    return new ChildHandle(child.pid!, child, cage, watchPid, sandboxed);
  }

  /** How many cold starts a zygote has served. */
  get zygotesTaken(): number {
    let taken = 0;
    for (const pool of this.zygotes.values()) taken += pool.taken;
    return taken;
  }

  /** Stops the zygotes; the environments' runtimes are the engine's to stop. */
  async close(): Promise<void> {
    await Promise.all([...this.zygotes.values()].map((pool) => pool.close()));
  }

  /** The Lambda environment variables of a runtime placed (or not) in the sandbox. */
  private environment(o: ExecutorStartOptions, placed: Placement): Record<string, string> {
    return lambdaEnvironment({
      spec: { ...o.spec, codeDir: placed.codeDir, optDir: placed.optDir },
      runtimeApiAddress: o.runtimeApiAddress,
      logStreamName: o.logStreamName,
      tmpDir: placed.tmpDir,
      runtimeDir: placed.runtimeDir,
      executionEnv: RUNTIMES[o.spec.runtime]?.executionEnv,
      hostPath: HOST_PATH,
    });
  }

  /**
   * A zygote can serve a function that needs nothing fixed at process start: no layers (Node.js's
   * ESM hook is a runtime flag, Python's search path is read at start), no variable its
   * interpreter reads only when it starts (NODE_OPTIONS, PYTHON*).
   */
  private zygoteFor(spec: EnvironmentSpec): Zygote | undefined {
    const family = RUNTIMES[spec.runtime]?.family;
    const pool = family && this.zygotes.get(family);
    if (!pool || spec.optDir !== undefined) return undefined;
    if (Object.keys(spec.environment).some(ZYGOTE_FAMILIES[family]!.startupVariable)) return undefined;
    return pool.take();
  }

  /** The recipe as spawned: directly, or as `bwrap <args> -- command args` with sandbox paths. */
  private place(recipe: LaunchRecipe, args: readonly string[], codeDir: string, tmpDir: string, optDir: string | undefined): Placement {
    if (!this.bwrapPath) return { command: recipe.command, args, codeDir, tmpDir, runtimeDir: recipe.runtimeDir, optDir };
    let system = this.systems.get(recipe.command);
    if (!system) this.systems.set(recipe.command, (system = hostSystem([recipe.command])));
    const layout = lambdaLayout({
      codeDir,
      tmpDir,
      runtimeDir: recipe.runtimeDir === codeDir ? undefined : recipe.runtimeDir,
      moduleScope: join(PACKAGE_ROOT, 'package.json'),
      system,
      ...(optDir !== undefined && { opt: { dir: optDir, entries: optEntries(optDir) } }),
    });
    // The layers' tree is all at /opt (its top-level symlinks too, which no bind covers).
    const inside = (p: string): string =>
      optDir !== undefined && (p === optDir || p.startsWith(`${optDir}/`))
        ? posix.join(OPT_DIR, p.slice(optDir.length))
        : sandboxPath(layout, p);
    return {
      command: this.bwrapPath,
      args: [...bwrapArgs(layout), inside(recipe.command), ...args.map(inside)],
      codeDir: TASK_ROOT,
      tmpDir: SANDBOX_TMP,
      runtimeDir: inside(recipe.runtimeDir),
      optDir: optDir === undefined ? undefined : OPT_DIR,
    };
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
    watchPid: number | Promise<number | undefined>,
    sandboxed: boolean,
  ) {
    this.stdout = child.stdout!;
    this.stderr = child.stderr!;
    child.once('exit', (rawCode, rawSignal) => {
      const { code, signal } = sandboxed ? bwrapExit(rawCode, rawSignal) : { code: rawCode, signal: rawSignal };
      this.exit = { code, signal, oomKilled: signal === 'SIGKILL' && cage.oomKilled() };
      for (const listener of this.listeners.splice(0)) listener(this.exit);
    });
    if (typeof watchPid === 'number') cage.watch(watchPid, () => this.kill());
    else {
      void watchPid.then((watched) => {
        if (watched !== undefined && !this.exit) cage.watch(watched, () => this.kill());
      });
    }
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
