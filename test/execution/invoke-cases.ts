// One table of invoke behaviours that every executor must show (DESIGN.md: executors hide where
// the runtime lives, nothing else). process-executor.test.ts and docker-executor.test.ts run it,
// each with what differs only by where the runtime lives: the paths it sees, how to tell it is
// gone, and whether memory can be capped here.
import { chmodSync } from 'node:fs';
import type { Test } from 'tap';
import type { ExecutionEngine } from '../../src/execution/engine.js';
import type { EnvironmentSpec } from '../../src/execution/types.js';
import { envIdOf, eventually, fixtureSpec, json, lines, request } from './helpers.js';

export interface ExecutorUnderTest {
  readonly name: string;
  /** A fresh engine over the executor, shut down on teardown; tmpRoot is its environments' parent folder. */
  engine(t: Test, keepAliveMs?: number): Promise<{ engine: ExecutionEngine; tmpRoot: string }>;
  /** The paths and addresses the runtime is given. */
  readonly sees: {
    taskRoot(spec: EnvironmentSpec): string;
    /** LAMBDA_RUNTIME_DIR of a provided.* runtime. */
    providedRuntimeDir(spec: EnvironmentSpec): string;
    tmpDir(tmpRoot: string, envId: string): string;
    readonly path: string | undefined;
    readonly runtimeApi: RegExp;
  };
  /** Variables the runtime may see besides the Lambda ones (set by the shell, the image...). */
  readonly extraVariables: readonly string[];
  /** True once nothing of the environment runs any more (its processes, or its container). */
  gone(envId: string): Promise<boolean>;
  /** Why the memory limit cannot be enforced here, or false. */
  readonly oomSkip: string | false;
}

interface InvokeCase {
  readonly name: string;
  run(t: Test, x: ExecutorUnderTest): Promise<void>;
  readonly skip?: (x: ExecutorUnderTest) => string | false;
}

/** A Node.js handler that counts its invocations in module state and in a file in /tmp. */
const COUNTING_HANDLER = `
import { appendFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
let invocations = 0;
export const handler = async (event) => {
  invocations += 1;
  if (event.fail) throw new TypeError('asked to fail');
  appendFileSync(join(tmpdir(), 'visits'), 'x');
  return { invocations, visits: readFileSync(join(tmpdir(), 'visits'), 'utf8').length, tmpdir: tmpdir() };
};
`;

/** The variables AWS defines for every runtime, those the fixtures set, and what a shell adds. */
const LAMBDA_VARIABLES = [
  ...'AWS_LAMBDA_RUNTIME_API _HANDLER LAMBDA_TASK_ROOT LAMBDA_RUNTIME_DIR AWS_LAMBDA_FUNCTION_NAME AWS_LAMBDA_FUNCTION_VERSION'.split(' '),
  ...'AWS_LAMBDA_FUNCTION_MEMORY_SIZE AWS_LAMBDA_LOG_GROUP_NAME AWS_LAMBDA_LOG_STREAM_NAME AWS_LAMBDA_INITIALIZATION_TYPE'.split(' '),
  ...'AWS_REGION AWS_DEFAULT_REGION TZ LANG PATH AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN TMPDIR STAGE TZ_NOTE'.split(' '),
  // Set by /bin/sh itself, or python's locale coercion.
  'PWD', 'SHLVL', '_', 'LC_CTYPE', 'OLDPWD',
];

const INVOKE_CASES: readonly InvokeCase[] = [
  {
    name: 'success: payload back, every /next header, logs, metering fields',
    async run(t, x) {
      const { engine } = await x.engine(t);
      const spec = fixtureSpec('provided-echo');
      const req = { ...request(spec, { hello: 'world' }), clientContext: '{"client":{"app_title":"t"}}' };
      const before = Date.now();
      const result = await engine.invoke(spec, req);
      t.equal(result.outcome, 'success', result.payload.toString());
      t.same(json(result.payload), { hello: 'world' });
      const log = lines(result);
      t.ok(log.includes(`echo runtime starting in ${x.sees.taskRoot(spec)}`), 'init output goes with the cold start, run in the code folder');
      const header = (name: string): string | undefined =>
        log.find((l) => l.toLowerCase().startsWith(`header ${name.toLowerCase()}=`))?.split('=').slice(1).join('=');
      t.equal(header('Lambda-Runtime-Aws-Request-Id'), req.requestId);
      t.equal(header('Lambda-Runtime-Invoked-Function-Arn'), spec.functionArn);
      t.equal(header('Lambda-Runtime-Trace-Id'), req.traceId);
      t.equal(header('Lambda-Runtime-Client-Context'), req.clientContext);
      t.equal(header('Content-Type'), 'application/json');
      const deadline = Number(header('Lambda-Runtime-Deadline-Ms'));
      t.ok(deadline >= before + 3000 && deadline <= Date.now() + 3000, 'deadline is now + timeout, in epoch ms');
      t.type(result.initDurationMs, 'number', 'a cold start reports its init duration');
      t.ok(result.durationMs >= 0 && result.durationMs < 3000);
      t.match(result.logStreamName, /^\d{4}\/\d{2}\/\d{2}\/\[\$LATEST\][0-9a-f]{32}$/);
      t.ok(result.maxMemoryUsedMb > 0, `max memory used is measured (${result.maxMemoryUsedMb} MB)`);
    },
  },
  {
    name: 'handler error: the error payload, and the environment stays warm',
    async run(t, x) {
      const { engine } = await x.engine(t);
      const spec = fixtureSpec('node-counter', { runtime: 'nodejs20.x', handler: 'index.handler', codeDir: t.testdir({ 'index.mjs': COUNTING_HANDLER }) });
      const failed = await engine.invoke(spec, request(spec, { fail: true }));
      t.equal(failed.outcome, 'function-error', failed.payload.toString());
      t.match(json(failed.payload), { errorType: 'TypeError', errorMessage: 'asked to fail' });
      const after = await engine.invoke(spec, request(spec, {}));
      t.match(json(after.payload), { invocations: 2 }, 'module state survives the function error');
      t.equal(after.logStreamName, failed.logStreamName, 'same environment');
    },
  },
  {
    name: '/tmp persists across warm invokes of one environment',
    async run(t, x) {
      const { engine, tmpRoot } = await x.engine(t);
      const spec = fixtureSpec('node-counter', { runtime: 'nodejs20.x', handler: 'index.handler', codeDir: t.testdir({ 'index.mjs': COUNTING_HANDLER }) });
      const first = await engine.invoke(spec, request(spec, {}));
      const second = await engine.invoke(spec, request(spec, {}));
      t.match(json(first.payload), { invocations: 1, visits: 1, tmpdir: x.sees.tmpDir(tmpRoot, envIdOf(first)) });
      t.match(json(second.payload), { invocations: 2, visits: 2 }, 'the file written by the first invoke is still there');
    },
  },
  {
    name: 'warm reuse: two sequential invokes share one environment',
    async run(t, x) {
      const { engine } = await x.engine(t);
      const spec = fixtureSpec('provided-echo');
      const first = await engine.invoke(spec, request(spec, { n: 1 }));
      const second = await engine.invoke(spec, request(spec, { n: 2 }));
      t.same(json(second.payload), { n: 2 });
      t.type(first.initDurationMs, 'number');
      t.equal(second.initDurationMs, undefined, 'a warm invoke has no init duration');
      t.equal(first.logStreamName, second.logStreamName, 'same environment, same log stream');
      t.notOk(lines(second).some((l) => l.startsWith('echo runtime starting')), 'no init output on a warm invoke');
      t.match(engine.stats(), { 'provided-echo:$LATEST': { environments: 1, idle: 1, busy: 0 } });
    },
  },
  {
    name: 'scale-out: concurrent slow invokes each get their own environment',
    async run(t, x) {
      const { engine } = await x.engine(t);
      const spec = fixtureSpec('provided-echo', { environment: { ECHO_DELAY: '1' } });
      const results = await Promise.all([0, 1, 2].map((n) => engine.invoke(spec, request(spec, { n }))));
      t.same(results.map((r) => json(r.payload)), [0, 1, 2].map((n) => ({ n })));
      t.equal(new Set(results.map((r) => r.logStreamName)).size, 3, 'three log streams');
      t.match(engine.stats(), { 'provided-echo:$LATEST': { environments: 3, idle: 3 } });
    },
  },
  {
    name: 'idle environments are reaped after keepAliveMs',
    async run(t, x) {
      const { engine } = await x.engine(t, 200);
      const spec = fixtureSpec('provided-echo');
      const first = await engine.invoke(spec, request(spec));
      const pool = () => engine.stats()['provided-echo:$LATEST'];
      t.ok(await eventually(() => pool()?.environments === 0 && pool()?.stopping === 0), 'reaped and stopped');
      t.ok(await x.gone(envIdOf(first)), 'its runtime is gone');
      const again = await engine.invoke(spec, request(spec));
      t.type(again.initDurationMs, 'number', 'the next invoke is a cold start');
    },
  },
  {
    name: 'env vars: the Lambda variables, its own, and nothing of the server',
    async run(t, x) {
      process.env['LAMBDALITE_SERVER_SECRET'] = 'must-not-leak';
      t.teardown(() => delete process.env['LAMBDALITE_SERVER_SECRET']);
      const { engine, tmpRoot } = await x.engine(t);
      const spec = fixtureSpec('provided-envdump', { memoryMb: 256, environment: { STAGE: 'test', TZ_NOTE: 'kept' } });
      const result = await engine.invoke(spec, request(spec));
      t.equal(result.outcome, 'success', result.payload.toString());
      const env = json(result.payload) as Record<string, string>;
      t.match(env, {
        AWS_LAMBDA_RUNTIME_API: x.sees.runtimeApi,
        _HANDLER: 'function.handler',
        LAMBDA_TASK_ROOT: x.sees.taskRoot(spec),
        LAMBDA_RUNTIME_DIR: x.sees.providedRuntimeDir(spec),
        AWS_LAMBDA_FUNCTION_NAME: 'provided-envdump',
        AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
        AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '256',
        AWS_LAMBDA_LOG_GROUP_NAME: '/aws/lambda/provided-envdump',
        AWS_LAMBDA_LOG_STREAM_NAME: result.logStreamName,
        AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand',
        AWS_REGION: 'us-east-1',
        AWS_DEFAULT_REGION: 'us-east-1',
        TZ: ':UTC',
        LANG: 'en_US.UTF-8',
        AWS_ACCESS_KEY_ID: /.+/,
        AWS_SECRET_ACCESS_KEY: /.+/,
        AWS_SESSION_TOKEN: /.+/,
        STAGE: 'test',
        TZ_NOTE: 'kept',
      });
      if (x.sees.path !== undefined) t.equal(env['PATH'], x.sees.path);
      t.equal(env['TMPDIR'], x.sees.tmpDir(tmpRoot, envIdOf(result)), "TMPDIR is the environment's private temp folder");
      t.equal(env['PWD'] ?? x.sees.taskRoot(spec), x.sees.taskRoot(spec), 'cwd is the code folder');
      t.notOk('LAMBDALITE_SERVER_SECRET' in env, "the server's environment does not leak");
      t.notOk('AWS_EXECUTION_ENV' in env, 'none for an OS-only runtime, as on AWS');
      const allowed = new Set([...LAMBDA_VARIABLES, ...x.extraVariables]);
      // tap's @tapjs/processinfo wraps child_process.spawn and adds its own variables to every child
      // of a test process; outside tap they are absent.
      const harness = (k: string): boolean => k.startsWith('_TAPJS_') || (k === 'NODE_OPTIONS' && /@tapjs/.test(env[k] ?? ''));
      t.same(Object.keys(env).filter((k) => !allowed.has(k) && !harness(k)), [], 'no other variable');
    },
  },
  {
    name: 'timeout: Sandbox.Timedout, everything the runtime started is killed, the next invoke works',
    async run(t, x) {
      const { engine } = await x.engine(t);
      const spec = fixtureSpec('provided-sleep', { timeoutSeconds: 1 });
      const req = request(spec);
      const result = await engine.invoke(spec, req);
      t.equal(result.outcome, 'timeout');
      t.same(json(result.payload), {
        errorType: 'Sandbox.Timedout',
        errorMessage: `RequestId: ${req.requestId} Error: Task timed out after 1.00 seconds`,
      });
      t.equal(result.durationMs, 1000);
      t.ok(lines(result).some((l) => l.endsWith(`${req.requestId} Task timed out after 1.00 seconds`)), 'the timeout line is in the log');
      t.ok(lines(result).some((l) => /^bootstrap pid \d+ child pid \d+$/.test(l)), 'the runtime had started a child');
      t.ok(await x.gone(envIdOf(result)), 'the runtime and the child it started are gone');
      t.match(engine.stats(), { 'provided-sleep:$LATEST': { environments: 0 } });

      const echo = fixtureSpec('provided-echo', { functionName: 'provided-sleep', timeoutSeconds: 1 });
      const next = await engine.invoke(echo, request(echo, { after: 'timeout' }));
      t.equal(next.outcome, 'success');
      t.same(json(next.payload), { after: 'timeout' });
    },
  },
  {
    name: 'crash: Runtime.ExitError with the exit status, then a fresh environment',
    async run(t, x) {
      const { engine } = await x.engine(t);
      const spec = fixtureSpec('provided-crash');
      const req = request(spec);
      const result = await engine.invoke(spec, req);
      t.equal(result.outcome, 'crash');
      t.same(json(result.payload), {
        errorType: 'Runtime.ExitError',
        errorMessage: `RequestId: ${req.requestId} Error: Runtime exited with error: exit status 3`,
      });
      t.ok(lines(result).includes('crashing now'), "the dying runtime's stderr is kept");
      t.match(engine.stats(), { 'provided-crash:$LATEST': { environments: 0 } });
      const again = await engine.invoke(spec, request(spec));
      t.equal(again.outcome, 'crash', 'a fresh environment runs (and crashes) again');
      t.type(again.initDurationMs, 'number');
    },
  },
  {
    name: 'init error: the runtime body, the environment discarded and its runtime killed',
    async run(t, x) {
      const { engine } = await x.engine(t);
      const spec = fixtureSpec('provided-initerror');
      const result = await engine.invoke(spec, request(spec));
      t.equal(result.outcome, 'init-error');
      t.same(json(result.payload), {
        errorType: 'Runtime.ImportModuleError',
        errorMessage: "Error: Cannot find module 'index'",
        stackTrace: [],
      });
      t.ok(lines(result).some((l) => l.startsWith('loading handler function.handler in pid ')), 'init output is in the result');
      t.ok(await x.gone(envIdOf(result)), 'the runtime that reported the error (and lingered) is gone');
      t.type(result.initDurationMs, 'number');
      t.match(engine.stats(), { 'provided-initerror:$LATEST': { environments: 0, stopping: 0 } });
    },
  },
  {
    name: 'a runtime that exits before its first /next: Runtime.ExitError at init',
    async run(t, x) {
      const { engine } = await x.engine(t);
      const codeDir = t.testdir({ bootstrap: '#!/bin/sh\necho "cannot start" >&2\nexit 1\n' });
      chmodSync(`${codeDir}/bootstrap`, 0o755);
      const spec = fixtureSpec('provided-exits', { codeDir });
      const req = request(spec);
      const result = await engine.invoke(spec, req);
      t.equal(result.outcome, 'init-error');
      t.same(json(result.payload), {
        errorType: 'Runtime.ExitError',
        errorMessage: `RequestId: ${req.requestId} Error: Runtime exited with error: exit status 1`,
      });
      t.ok(lines(result).includes('cannot start'));
    },
  },
  {
    name: 'memory over the limit: Runtime.OutOfMemory',
    skip: (x) => x.oomSkip,
    async run(t, x) {
      const { engine } = await x.engine(t);
      // A generous deadline: on a busy machine the runtime may take seconds to reach the limit.
      const spec = fixtureSpec('provided-oom', { memoryMb: 128, timeoutSeconds: 30 });
      const req = request(spec);
      const result = await engine.invoke(spec, req);
      t.equal(result.outcome, 'crash');
      t.same(json(result.payload), {
        errorType: 'Runtime.OutOfMemory',
        errorMessage: `RequestId: ${req.requestId} Error: Runtime exited with error: signal: killed`,
      });
      t.ok(result.maxMemoryUsedMb >= 120 && result.maxMemoryUsedMb <= 129, `max memory used at the cap: ${result.maxMemoryUsedMb} MB`);
    },
  },
];

/** Runs every case as a subtest on one executor. */
export function runInvokeCases(t: Test, x: ExecutorUnderTest): void {
  for (const c of INVOKE_CASES) t.test(`${x.name}: ${c.name}`, { skip: c.skip?.(x) ?? false }, (t) => c.run(t, x));
}
