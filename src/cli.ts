#!/usr/bin/env node
// The `lambdalite` command: `serve` (default) and `openapi`.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, DEFAULTS, helpText, loadConfig } from './config.js';
import { startServer } from './main.js';

async function serve(argv: string[]): Promise<void> {
  const config = loadConfig(argv, process.env);
  const server = await startServer(config);
  const stop = (signal: string) => {
    server.app.log.info({ signal }, 'shutting down');
    server.close().then(
      () => process.exit(0),
      (err) => {
        console.error(err);
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGINT', () => stop('SIGINT'));
}

/** Prints the OpenAPI document generated from the route schemas (kept in openapi/openapi.json). */
async function openapi(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'lambdalite-openapi-'));
  const server = await startServer({ ...DEFAULTS, dataDir, port: 0, logLevel: 'silent' });
  try {
    process.stdout.write(JSON.stringify(server.app.swagger(), null, 2) + '\n');
  } finally {
    await server.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

async function main(args: string[]): Promise<void> {
  if (args.includes('--help') || args.includes('-h') || args[0] === 'help') {
    console.log(helpText());
    return;
  }
  const [command, ...rest] = args[0]?.startsWith('-') || args.length === 0 ? ['serve', ...args] : args;
  if (command === 'serve') return serve(rest);
  if (command === 'openapi') return openapi();
  throw new ConfigError(`unknown command '${command}' (try --help)`);
}

main(process.argv.slice(2)).catch((err: unknown) => {
  if (err instanceof ConfigError) {
    console.error(`lambdalite: ${err.message}`);
    process.exit(2);
  }
  console.error(err);
  process.exit(1);
});
