// The docker executor (DESIGN.md "Executors"): one container per execution environment through
// the Docker Engine API. The code is bound read-only at /var/task and the layers' merged tree at
// /opt, /tmp is a tmpfs of EphemeralStorage size, the root file system is read-only (as in
// Lambda, where only /tmp is writable), memory is capped at MemorySize with no swap beyond it, and
// the runtime gets the Lambda variables with this environment's own Runtime API address. Runtime
// images are AWS's base images or lambdalite's local ones (src/runtimes/images.ts); a
// container-image function runs its own image with its ImageConfig.
import { randomBytes } from 'node:crypto';
import type Docker from 'dockerode';
import { customBootstrap, layerSearchPaths } from '../runtimes/layer-paths.js';
import { runtimeSupport, RUNTIMES } from '../runtimes/table.js';
import { connectDocker } from './docker-connection.js';
import { ContainerProcess } from './docker-container.js';
import { ImageResolver, type ResolvedImage } from './docker-images.js';
import { containerLabels, instanceId, removeOrphans } from './docker-labels.js';
import { placement, type Placement } from './docker-network.js';
import {
  ExecutorStartError,
  type Executor,
  type ExecutorProcess,
  type ExecutorStartOptions,
  type RuntimeApiHost,
  type RuntimeSupport,
} from './executor.js';
import { lambdaEnvironment } from './launch-env.js';
import type { EnvironmentSpec, ImageSpec, RuntimeTarget } from './types.js';

/** The paths of the Lambda execution environment, as AWS's base images lay it out. */
const TASK_ROOT = '/var/task';
const RUNTIME_DIR = '/var/runtime';
const OPT = '/opt';
const TMP = '/tmp';
/** Lambda's PATH when an image names none ("Defined runtime environment variables"). */
const DEFAULT_PATH = '/usr/local/bin:/usr/bin/:/bin:/opt/bin';
const MiB = 1024 * 1024;

export interface DockerExecutorSettings {
  /** config.ts dockerHost: unix:///path or tcp://host:port. */
  readonly dockerHost: string;
  readonly network: string | undefined;
  readonly runtimeImages: Readonly<Record<string, string>> | undefined;
  /** The server's data directory: its id labels the containers (docker-labels.ts). */
  readonly dataDir: string;
}

export interface DockerExecutorParts {
  readonly docker: Docker;
  readonly instance: string;
  readonly placement: Placement;
  readonly runtimeImages?: Readonly<Record<string, string>>;
}

/** What a container runs: its image and the command line that replaces the image's. */
interface Launch {
  readonly image: ResolvedImage;
  readonly entrypoint: readonly string[];
  readonly cmd: readonly string[];
  readonly workingDir: string | undefined;
  readonly handler: string;
}

export class DockerExecutor implements Executor {
  readonly name = 'docker';
  readonly runtimeApiHost: RuntimeApiHost;
  readonly docker: Docker;
  /** This data directory's id, on every container's lambdalite.instance label. */
  readonly instance: string;
  readonly networkMode: string;
  private readonly images: ImageResolver;

  constructor(parts: DockerExecutorParts) {
    this.docker = parts.docker;
    this.instance = parts.instance;
    this.networkMode = parts.placement.networkMode;
    this.runtimeApiHost = parts.placement.runtimeApiHost;
    this.images = new ImageResolver(parts.docker, parts.runtimeImages);
  }

  /**
   * Connects to the Engine, removes the containers an earlier run of this data directory left
   * (it was killed before it could), and finds the address containers reach lambdalite at.
   */
  static async create(s: DockerExecutorSettings): Promise<{ executor: DockerExecutor; orphansRemoved: number }> {
    const docker = await connectDocker(s.dockerHost);
    const instance = instanceId(s.dataDir);
    const orphansRemoved = await removeOrphans(docker, instance);
    const executor = new DockerExecutor({
      docker,
      instance,
      placement: await placement(docker, s.network),
      ...(s.runtimeImages && { runtimeImages: s.runtimeImages }),
    });
    return { executor, orphansRemoved };
  }

  /** Every runtime of the table runs (its image is found at start); images always may. */
  support(target: RuntimeTarget): RuntimeSupport {
    if (target.image || RUNTIMES[target.runtime]) return { ok: true };
    return runtimeSupport(target.runtime);
  }

  async start(o: ExecutorStartOptions): Promise<ExecutorProcess> {
    const { spec } = o;
    const launch = spec.image ? await this.imageLaunch(spec.image) : await this.runtimeLaunch(spec);
    const env = this.environment(o, launch);
    // lambdalite's own runtime clients (the nodejs and python images) mark the end of each
    // invocation's output with this token (output-marks.ts); they remove it before user code runs.
    // Their stderr goes into stdout, as both go into one log: one stream, one mark per invocation.
    const family = spec.image ? undefined : RUNTIMES[spec.runtime]?.family;
    const markToken = family === 'nodejs' || family === 'python' ? randomBytes(8).toString('hex') : undefined;
    if (markToken) env['LAMBDALITE_OUTPUT_MARK'] = markToken;
    const entrypoint = markToken ? ['/bin/sh', '-c', 'exec "$@" 2>&1', 'sh', ...launch.entrypoint] : launch.entrypoint;
    const binds = [
      ...(spec.codeDir ? [`${spec.codeDir}:${TASK_ROOT}:ro`] : []),
      ...(spec.optDir !== undefined ? [`${spec.optDir}:${OPT}:ro`] : []),
    ];
    const options: Docker.ContainerCreateOptions = {
      name: `lambdalite-${spec.functionName}-${o.envId.slice(0, 12)}`,
      Image: launch.image.ref,
      Entrypoint: [...entrypoint],
      Cmd: [...launch.cmd],
      ...(launch.workingDir !== undefined && { WorkingDir: launch.workingDir }),
      Env: Object.entries(env).map(([k, v]) => `${k}=${v}`),
      Labels: containerLabels({ instance: this.instance, functionName: spec.functionName, version: spec.version, envId: o.envId }),
      AttachStdout: true,
      AttachStderr: true,
      HostConfig: {
        Binds: binds,
        Tmpfs: { [TMP]: `rw,nosuid,nodev,size=${spec.ephemeralStorageMb}m,mode=1777` },
        ReadonlyRootfs: true,
        Memory: spec.memoryMb * MiB,
        MemorySwap: spec.memoryMb * MiB, // equal to Memory: no swap on top
        NetworkMode: this.networkMode,
        // The environment captures the output itself (log lines, LogResult); the Engine keeps none.
        LogConfig: { Type: 'none', Config: {} },
      },
    };
    return ContainerProcess.start(this.docker, options, spec.memoryMb, markToken);
  }

  /** A zip function: its runtime's image with the handler as CMD, or its own bootstrap for provided.*. */
  private async runtimeLaunch(spec: EnvironmentSpec): Promise<Launch> {
    const entry = RUNTIMES[spec.runtime];
    if (!entry) {
      const support = this.support(spec);
      throw new ExecutorStartError('InvalidRuntimeException', support.ok ? `unknown runtime '${spec.runtime}'` : support.reason);
    }
    const image = await this.images.forRuntime(spec.runtime);
    if (entry.family !== 'provided') {
      return { image, entrypoint: image.entrypoint, cmd: [spec.handler], workingDir: TASK_ROOT, handler: spec.handler };
    }
    const bootstrap = customBootstrap(spec.codeDir, spec.optDir);
    if (!bootstrap) {
      throw new ExecutorStartError('Runtime.InvalidEntrypoint', `Couldn't find valid bootstrap(s): [${TASK_ROOT}/bootstrap ${OPT}/bootstrap]`);
    }
    const entrypoint = `${bootstrap === 'code' ? TASK_ROOT : OPT}/bootstrap`;
    return { image, entrypoint: [entrypoint], cmd: [], workingDir: TASK_ROOT, handler: spec.handler };
  }

  /** A container-image function: its image, with ImageConfig's EntryPoint, Command and WorkingDirectory over the image's. */
  private async imageLaunch(spec: ImageSpec): Promise<Launch> {
    const image = await this.images.forImage(spec.uri);
    const cmd = spec.command ?? image.cmd;
    // AWS sets _HANDLER to the image's CMD (the handler its entrypoint is given).
    return { image, entrypoint: spec.entryPoint ?? image.entrypoint, cmd, workingDir: spec.workingDirectory, handler: cmd[0] ?? '' };
  }

  /**
   * The Lambda variables with the container's paths. The image's own PATH (and its other search
   * paths, as AWS's images set LD_LIBRARY_PATH, NODE_PATH...) come after the layers' /opt folders.
   */
  private environment(o: ExecutorStartOptions, launch: Launch): Record<string, string> {
    const { spec } = o;
    const env = lambdaEnvironment({
      spec: { ...spec, handler: launch.handler, codeDir: TASK_ROOT, optDir: spec.optDir !== undefined ? OPT : undefined },
      runtimeApiAddress: o.runtimeApiAddress,
      logStreamName: o.logStreamName,
      tmpDir: TMP,
      runtimeDir: RUNTIME_DIR,
      executionEnv: RUNTIMES[spec.runtime]?.executionEnv,
      hostPath: launch.image.env['PATH'] ?? DEFAULT_PATH,
    });
    if (spec.optDir === undefined) return env;
    for (const name of Object.keys(layerSearchPaths(spec.runtime))) {
      const own = launch.image.env[name];
      if (name === 'PATH' || own === undefined || spec.environment[name] !== undefined) continue;
      const layered = (env[name] ?? '').split(':').filter(Boolean);
      env[name] = [...layered, ...own.split(':').filter((dir) => dir && !layered.includes(dir))].join(':');
    }
    return env;
  }
}
