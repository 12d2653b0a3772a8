// Start-up and shutdown: config → database → services → listener; close in reverse order.
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import pino from 'pino';
import type { Config } from './config.js';
import { openDatabase } from './db.js';
import { buildApp, type App } from './http/app.js';
import { createServices, type Services } from './services.js';

export interface Server {
  readonly app: App;
  readonly services: Services;
  /** Base URL of the Lambda API, e.g. http://127.0.0.1:3001 */
  readonly url: string;
  close(): Promise<void>;
}

export async function startServer(config: Config): Promise<Server> {
  const dataDir = resolve(config.dataDir);
  mkdirSync(dataDir, { recursive: true });
  const logger = pino({ level: config.logLevel, base: undefined });
  const db = openDatabase(join(dataDir, 'lambdalite.db'));
  let url = '';
  const services = createServices({ ...config, dataDir }, db, () => config.publicUrl ?? url);
  const app = await buildApp(services, logger);
  try {
    await app.listen({ host: config.host, port: config.port });
  } catch (err) {
    db.close();
    throw err;
  }
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  url = `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`;
  logger.info({ url, dataDir }, 'lambdalite is listening');
  let closing: Promise<void> | undefined;
  return {
    app,
    services,
    url,
    close: () =>
      (closing ??= (async () => {
        try {
          await app.close();
        } finally {
          db.close();
        }
      })()),
  };
}
