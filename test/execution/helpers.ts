// Shared by the execution tests: specs for the fixture functions, requests, and process checks.
import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Test } from 'tap';
import { ExecutionEngine } from '../../src/execution/engine.js';
import type { Executor } from '../../src/execution/executor.js';
import { ProcessExecutor } from '../../src/execution/process-executor.js';
import type { EnvironmentSpec, InvocationRequest } from '../../src/execution/types.js';

export const FIXTURES = fileURLToPath(new URL('../fixtures/functions/', import.meta.url));

export function fixtureSpec(fixture: string, overrides: Partial<EnvironmentSpec> = {}): EnvironmentSpec {
  return {
    functionName: fixture,
    version: '$LATEST',
    functionArn: `arn:aws:lambda:us-east-1:000000000000:function:${fixture}`,
    runtime: 'provided.al2023',
    handler: 'function.handler',
    codeDir: join(FIXTURES, fixture),
    memoryMb: 128,
    timeoutSeconds: 3,
    ephemeralStorageMb: 512,
    environment: {},
    region: 'us-east-1',
    logGroupName: `/aws/lambda/${fixture}`,
    ...overrides,
  };
}

export function request(spec: EnvironmentSpec, payload: unknown = { hello: 'world' }): InvocationRequest {
  return {
    requestId: randomUUID(),
    payload: Buffer.from(JSON.stringify(payload)),
    invokedFunctionArn: spec.functionArn,
    clientContext: undefined,
    traceId: 'Root=1-65a1b2c3-0123456789abcdef01234567;Parent=0123456789abcdef;Sampled=0',
  };
}

export const json = (payload: Buffer): unknown => JSON.parse(payload.toString('utf8'));

/** One real ProcessExecutor for the whole test file: cgroup detection runs once. */
export const executor = new ProcessExecutor();

/** An engine over a real executor (the process one unless told), shut down (and its temp root removed) on teardown. */
export async function engineFor(
  t: Test,
  keepAliveMs = 60_000,
  over: Executor = executor,
): Promise<{ engine: ExecutionEngine; tmpRoot: string }> {
  const tmpRoot = await mkdtemp(join(tmpdir(), 'lambdalite-test-'));
  const engine = new ExecutionEngine({ executor: over, tmpRoot, keepAliveMs });
  t.teardown(async () => {
    await engine.shutdown();
    await rm(tmpRoot, { recursive: true, force: true });
  });
  return { engine, tmpRoot };
}

/** Alive means a /proc entry that is not a zombie. */
export function isAlive(pid: number): boolean {
  const stat = `/proc/${pid}/stat`;
  if (!existsSync(stat)) return false;
  try {
    const state = readFileSync(stat, 'utf8').split(') ').at(-1)?.[0];
    return state !== 'Z' && state !== 'X';
  } catch {
    return false;
  }
}

export async function waitUntilGone(pid: number, withinMs = 3000): Promise<boolean> {
  const until = Date.now() + withinMs;
  while (Date.now() < until) {
    if (!isAlive(pid)) return true;
    await new Promise((r) => setTimeout(r, 20));
  }
  return !isAlive(pid);
}

/** Polls `check` every 50 ms until it holds or `withinMs` passes; returns its last answer. */
export async function eventually(check: () => boolean | Promise<boolean>, withinMs = 10_000): Promise<boolean> {
  const until = Date.now() + withinMs;
  while (Date.now() < until) {
    if (await check()) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return check();
}

/** The environment id a result came from: the last 32 hex digits of its log stream name. */
export const envIdOf = (result: { logStreamName: string }): string => result.logStreamName.slice(-32);

export const lines = (result: { logLines: readonly { line: string }[] }): string[] => result.logLines.map((l) => l.line);
