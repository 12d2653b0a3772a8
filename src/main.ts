// Start-up and shutdown: config → database → services → listener → async workers; close in
// reverse order (the async queue is durable, so events still running at close simply run again
// after the next start).
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import pino from 'pino';
import type { Config, ExecutorName } from './config.js';
import { openDatabase } from './db.js';
import { DockerExecutor } from './execution/docker-executor.js';
import { ExecutionEngine } from './execution/engine.js';
import type { Executor } from './execution/executor.js';
import { ProcessExecutor } from './execution/process-executor.js';
import { buildApp, type App } from './http/app.js';
import { createServices, type ServiceOptions, type Services } from './services.js';

export interface Server {
  readonly app: App;
  readonly services: Services;
  /** The execution engine, read-only for diagnostics and tests (environments per pool: stats()). */
  readonly engine: Pick<ExecutionEngine, 'stats'>;
  /** Base URL of the Lambda API, e.g. http://127.0.0.1:3001 */
  readonly url: string;
  close(): Promise<void>;
}

/** Each executor, made ready before the database opens, with what the start-up log says of it. */
const EXECUTORS: Readonly<Record<ExecutorName, (config: Config, dataDir: string) => Promise<{ executor: Executor; details: object }>>> = {
  // Refuses to start when an asked-for sandbox cannot run.
  process: async (config) => {
    const executor = new ProcessExecutor({ sandbox: config.sandbox, zygotes: config.zygotes });
    return { executor, details: { memoryLimits: executor.memoryMode, sandbox: executor.sandbox } };
  },
  // Refuses to start without a Docker Engine; removes the containers an earlier run left.
  docker: async (config, dataDir) => {
    const { executor, orphansRemoved } = await DockerExecutor.create({
      dockerHost: config.dockerHost, network: config.dockerNetwork, runtimeImages: config.runtimeImages, dataDir,
    });
    return { executor, details: { network: executor.networkMode, runtimeApi: executor.runtimeApiHost.advertise, orphansRemoved } };
  },
};

export async function startServer(config: Config, options: ServiceOptions = {}): Promise<Server> {
  const dataDir = resolve(config.dataDir);
  mkdirSync(dataDir, { recursive: true });
  const logger = pino({ level: config.logLevel, base: undefined });
  const { executor, details } = await EXECUTORS[config.executor](config, dataDir);
  let db;
  try {
    db = openDatabase(join(dataDir, 'lambdalite.db'));
  } catch (err) {
    await executor.close?.(); // the process executor's zygotes
    throw err;
  }
  const engine = new ExecutionEngine({
    executor,
    tmpRoot: join(dataDir, 'tmp'),
    keepAliveMs: config.keepAliveMs,
    logger: logger.child({ component: 'execution' }),
  });
  let url = '';
  const services = createServices({ ...config, dataDir }, db, () => config.publicUrl ?? url, engine, logger, options);
  const app = await buildApp(services, logger);
  const closeState = async () => {
    try {
      services.asyncWorker.stop();
      await engine.shutdown();
      await executor.close?.();
    } finally {
      services.destinations.destroy();
      services.records.close();
      db.close();
    }
  };
  try {
    await app.listen({ host: config.host, port: config.port });
  } catch (err) {
    await closeState();
    throw err;
  }
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  url = `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`;
  logger.info({ url, dataDir, executor: executor.name, ...details }, 'lambdalite is listening');
  services.asyncWorker.start();
  // Provisioned environments of the stored configurations start again (IN_PROGRESS until ready).
  services.provisionedConcurrency.startAll().catch((err: unknown) => logger.error({ err }, 'provisioned environments could not be started'));
  let closing: Promise<void> | undefined;
  return {
    app,
    services,
    engine,
    url,
    close: () =>
      (closing ??= (async () => {
        // From here new requests get 503. Running invocations end now (their environments are
        // stopped) rather than holding the close for up to their timeout, and a keep-alive
        // connection closes once its last response is out, not after Fastify's 72 s keepAliveTimeout.
        app.server.keepAliveTimeout = 1;
        // Async events stop first, so the ends of their runs are not taken for function errors.
        services.asyncWorker.stop();
        try {
          await Promise.all([app.close(), engine.shutdown()]);
        } finally {
          await closeState();
        }
      })()),
  };
}
