// Start-up and shutdown: config → database → services → listener → async workers; close in
// reverse order (the async queue is durable, so events still running at close simply run again
// after the next start).
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import pino from 'pino';
import type { Config } from './config.js';
import { openDatabase } from './db.js';
import { ExecutionEngine } from './execution/engine.js';
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

export async function startServer(config: Config, options: ServiceOptions = {}): Promise<Server> {
  const dataDir = resolve(config.dataDir);
  mkdirSync(dataDir, { recursive: true });
  const logger = pino({ level: config.logLevel, base: undefined });
  // Before the database opens: the executor refuses to start when an asked-for sandbox cannot run.
  const executor = new ProcessExecutor({ sandbox: config.sandbox });
  const db = openDatabase(join(dataDir, 'lambdalite.db'));
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
  logger.info({ url, dataDir, memoryLimits: executor.memoryMode, sandbox: executor.sandbox }, 'lambdalite is listening');
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
