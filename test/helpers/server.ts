// Starts a real lambdalite server on an ephemeral port with a temporary data directory, and an
// official AWS SDK Lambda client pointed at it.
import { LambdaClient } from '@aws-sdk/client-lambda';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import yazl from 'yazl';
import { DEFAULTS, type Config } from '../../src/config.js';
import { startServer, type Server } from '../../src/main.js';

export const ROLE = 'arn:aws:iam::000000000000:role/lambda-role';

export interface TestServer {
  readonly server: Server;
  readonly lambda: LambdaClient;
  readonly dataDir: string;
  /** Stops the server (keeping the data directory, for restart tests). */
  stop(): Promise<void>;
}

export function tempDir(prefix = 'lambdalite-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export function clientFor(url: string): LambdaClient {
  return new LambdaClient({
    endpoint: url,
    region: 'us-east-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    maxAttempts: 1,
  });
}

/**
 * Starts a server; `t.teardown` stops it and removes its data directory unless `keepData`. `clock`
 * replaces the async queue's Date.now (see test/events/helpers.ts TestClock).
 */
export async function startTestServer(
  t: { teardown(fn: () => unknown): void },
  overrides: Partial<Config> = {},
  { keepData = false, clock }: { keepData?: boolean; clock?: () => number } = {},
): Promise<TestServer> {
  const dataDir = overrides.dataDir ?? tempDir();
  const server = await startServer({ ...DEFAULTS, port: 0, logLevel: 'warn', ...overrides, dataDir }, clock ? { clock } : undefined);
  const lambda = clientFor(server.url);
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    lambda.destroy();
    await server.close();
  };
  t.teardown(async () => {
    await stop();
    if (!keepData) rmSync(dataDir, { recursive: true, force: true });
  });
  return { server, lambda, dataDir, stop };
}

/** Builds a zip in memory: `{ 'index.js': 'exports.handler = ...' }`, or `[content, mode]` pairs. */
export function zip(files: Record<string, string | Buffer | [string | Buffer, number]>): Promise<Buffer> {
  const z = new yazl.ZipFile();
  for (const [name, value] of Object.entries(files)) {
    const [content, mode] = Array.isArray(value) ? value : [value, 0o644];
    z.addBuffer(Buffer.isBuffer(content) ? content : Buffer.from(content), name, { mode });
  }
  return zipBytes(z);
}

/** Ends a yazl zip and collects its bytes. */
export function zipBytes(z: yazl.ZipFile): Promise<Buffer> {
  z.end();
  const chunks: Buffer[] = [];
  return new Promise((resolve, reject) => {
    z.outputStream.on('data', (c: Buffer) => chunks.push(c));
    z.outputStream.on('end', () => resolve(Buffer.concat(chunks)));
    z.outputStream.on('error', reject);
  });
}

export const NODE_ECHO = { 'index.js': 'exports.handler = async (event) => event;\n' };
