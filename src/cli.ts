#!/usr/bin/env node
// The `lambdalite` command: `serve` (default), `openapi` and `event`.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, DEFAULTS, helpText, loadConfig } from './config.js';
import { eventCommand } from './event-payloads/command.js';
import { UsageError } from './event-payloads/template.js';

// main.js (the server and everything it loads) is imported only by the commands that start it,
// so `event` starts quickly.
async function serve(argv: string[]): Promise<void> {
  const config = loadConfig(argv, process.env);
  const { startServer } = await import('./main.js');
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
  const { startServer } = await import('./main.js');
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
  // Before the global --help: `event` has its own help at each level.
  if (args[0] === 'event') {
    process.stdout.write(eventCommand(args.slice(1)));
    return;
  }
  if (args.includes('--help') || args.includes('-h') || args[0] === 'help') {
    console.log(helpText());
    console.log('\nAlso:  lambdalite event <service> <event> [--flag value]...  print a sample event (lambdalite event --help)');
    return;
  }
  const [command, ...rest] = args[0]?.startsWith('-') || args.length === 0 ? ['serve', ...args] : args;
  if (command === 'serve') return serve(rest);
  if (command === 'openapi') return openapi();
  throw new ConfigError(`unknown command '${command}' (try --help)`);
}

main(process.argv.slice(2)).catch((err: unknown) => {
  if (err instanceof ConfigError || err instanceof UsageError) {
    console.error(`lambdalite: ${err.message}`);
    process.exit(2);
  }
  console.error(err);
  process.exit(1);
});
