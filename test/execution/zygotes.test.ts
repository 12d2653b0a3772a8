// Pre-started Node.js and Python runtimes (src/execution/zygote-pool.ts): a function served by a
// zygote must be indistinguishable from one served by a freshly spawned runtime.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t, { type Test } from 'tap';
import { ExecutionEngine } from '../../src/execution/engine.js';
import { detectMemoryControl } from '../../src/execution/memory-control.js';
import { ProcessExecutor } from '../../src/execution/process-executor.js';
import { PACKAGE_ROOT } from '../../src/runtimes/table.js';
import { FIXTURES, fixtureSpec, isAlive, json, lines, request, waitUntilGone } from './helpers.js';

const skip = detectMemoryControl().mode === 'rss' ? 'zygotes need cgroup memory caps, which this machine does not allow' : false;

async function zygoteEngine(t: Test, zygotes = 1): Promise<{ engine: ExecutionEngine; executor: ProcessExecutor }> {
  const tmpRoot = await mkdtemp(join(tmpdir(), 'lambdalite-zygote-'));
  const executor = new ProcessExecutor({ zygotes });
  const engine = new ExecutionEngine({ executor, tmpRoot, keepAliveMs: 60_000 });
  t.teardown(async () => {
    await engine.shutdown();
    await executor.close();
    await rm(tmpRoot, { recursive: true, force: true });
  });
  return { engine, executor };
}

const ENV_DUMP = `
exports.handler = async () => ({ env: process.env, cwd: process.cwd(), argv: process.argv.slice(1) });
`;

t.test('a zygote runs the function with exactly the Lambda environment and its code folder as cwd', { skip }, async (t) => {
  const { engine } = await zygoteEngine(t);
  const codeDir = t.testdir({ 'index.cjs': ENV_DUMP });
  const spec = fixtureSpec('zygote-env', { runtime: 'nodejs20.x', handler: 'index.handler', codeDir, environment: { MY_SETTING: 'on' } });
  const result = await engine.invoke(spec, request(spec));
  t.equal(result.outcome, 'success');
  const { env, cwd } = json(result.payload) as { env: Record<string, string>; cwd: string };
  t.equal(cwd, codeDir);
  t.equal(env['MY_SETTING'], 'on');
  t.equal(env['AWS_LAMBDA_FUNCTION_NAME'], 'zygote-env');
  t.equal(env['LAMBDA_TASK_ROOT'], codeDir);
  t.equal(env['AWS_EXECUTION_ENV'], 'AWS_Lambda_nodejs20.x');
  t.notOk('LAMBDALITE_ZYGOTE' in env, 'nothing of the boot environment is left');
  t.ok(result.initDurationMs !== undefined, 'a cold start still reports its Init Duration');
});

t.test('the same fixture behaves the same from a zygote and from a spawned runtime', { skip }, async (t) => {
  const { engine: withZygote } = await zygoteEngine(t, 1);
  const { engine: spawned } = await zygoteEngine(t, 0);
  const spec = fixtureSpec('node-cjs', { runtime: 'nodejs20.x', handler: 'index.handler', codeDir: join(FIXTURES, 'node-cjs') });
  const strip = (payload: Buffer) => {
    const { awsRequestId: _a, remainingMs: _r, traceId: _t, logStreamName: _l, ...rest } = json(payload) as Record<string, unknown>;
    return rest;
  };
  const a = await withZygote.invoke(spec, request(spec, { name: 'x' }));
  const b = await spawned.invoke(spec, request(spec, { name: 'x' }));
  t.same(strip(a.payload), strip(b.payload));
  const logs = (r: typeof a) => lines(r).map((l) => l.replace(/^\S+\t\S+\t/, ''));
  t.same(logs(a), logs(b), 'the same log records, init output included');
});

t.test('callbackWaitsForEmptyEventLoop still waits for the event loop to empty', { skip }, async (t) => {
  const { engine } = await zygoteEngine(t);
  const spec = fixtureSpec('node-callback', { runtime: 'nodejs20.x', handler: 'index.handler', codeDir: join(FIXTURES, 'node-callback') });
  const waited = await engine.invoke(spec, request(spec, {}));
  t.match(json(waited.payload), { timerFired: true });
  const early = await engine.invoke(spec, request(spec, { dontWait: true }));
  t.match(json(early.payload), { timerFired: false });
});

t.test("the function's MemorySize caps a zygote as it caps a spawned runtime", { skip }, async (t) => {
  const { engine } = await zygoteEngine(t);
  const codeDir = t.testdir({
    'index.cjs': 'const hog = []; exports.handler = async () => { for (;;) hog.push(Buffer.alloc(8 << 20, 1)); };',
  });
  const spec = fixtureSpec('zygote-oom', { runtime: 'nodejs20.x', handler: 'index.handler', codeDir, memoryMb: 128, timeoutSeconds: 20 });
  const result = await engine.invoke(spec, request(spec));
  t.equal(result.outcome, 'crash');
  t.match(json(result.payload), { errorType: 'Runtime.OutOfMemory' });
  t.ok(result.maxMemoryUsedMb >= 100 && result.maxMemoryUsedMb <= 129, `max memory used ${result.maxMemoryUsedMb} MB is within the cap`);
});

t.test('a taken zygote is replaced; functions that need start-up flags are spawned', { skip }, async (t) => {
  const { engine, executor } = await zygoteEngine(t, 1);
  const codeDir = t.testdir({
    'index.cjs': "exports.handler = async () => ({ pid: process.pid, stdinIsNull: require('fs').fstatSync(0).isCharacterDevice() });",
  });
  const spec = (name: string, environment: Record<string, string> = {}) =>
    fixtureSpec(name, { runtime: 'nodejs20.x', handler: 'index.handler', codeDir, environment });
  const run = async (s: ReturnType<typeof spec>) => json((await engine.invoke(s, request(s))).payload) as { pid: number; stdinIsNull: boolean };
  const first = await run(spec('zygote-a'));
  const second = await run(spec('zygote-b'));
  t.equal(executor.zygotesTaken, 2, 'both cold starts took a zygote: the first one was replaced');
  t.not(first.pid, second.pid, 'each function has its own runtime process');
  t.ok(first.stdinIsNull, "stdin is /dev/null, as a spawned runtime's");
  await run(spec('zygote-flags', { NODE_OPTIONS: '--no-warnings' }));
  t.equal(executor.zygotesTaken, 2, 'a function with NODE_OPTIONS is spawned with them, not given a zygote');
});

const PYTHON_ENV_DUMP = `import os, sys
def handler(event, context):
    return {"env": dict(os.environ), "cwd": os.getcwd(), "path": sys.path}
`;

t.test('a Python zygote runs the function with exactly the Lambda environment, its code folder as cwd and first on sys.path', { skip }, async (t) => {
  const { engine, executor } = await zygoteEngine(t);
  const codeDir = t.testdir({ 'app.py': PYTHON_ENV_DUMP });
  const spec = fixtureSpec('zygote-python-env', { runtime: 'python3.12', handler: 'app.handler', codeDir, environment: { MY_SETTING: 'on' } });
  const result = await engine.invoke(spec, request(spec));
  t.equal(result.outcome, 'success', result.payload.toString());
  t.equal(executor.zygotesTaken, 1, 'a zygote served the cold start');
  const { env, cwd, path } = json(result.payload) as { env: Record<string, string>; cwd: string; path: string[] };
  t.equal(cwd, codeDir);
  t.equal(path[0], codeDir);
  t.equal(env['MY_SETTING'], 'on');
  t.equal(env['AWS_LAMBDA_FUNCTION_NAME'], 'zygote-python-env');
  t.equal(env['AWS_EXECUTION_ENV'], 'AWS_Lambda_python3.12');
  t.notOk('LAMBDALITE_ZYGOTE' in env, 'nothing of the boot environment is left');
  t.ok(result.initDurationMs !== undefined, 'a cold start still reports its Init Duration');
});

t.test('the same Python fixture behaves the same from a zygote and from a spawned runtime', { skip }, async (t) => {
  const { engine: withZygote, executor } = await zygoteEngine(t, 1);
  const { engine: spawned } = await zygoteEngine(t, 0);
  const spec = fixtureSpec('python-basic', { runtime: 'python3.12', handler: 'app.handler', codeDir: join(FIXTURES, 'python-basic') });
  const strip = (payload: Buffer) => {
    const { aws_request_id: _a, remaining_ms: _r, log_stream_name: _l, ...rest } = json(payload) as Record<string, unknown>;
    return rest;
  };
  const a = await withZygote.invoke(spec, request(spec, { name: 'x' }));
  const b = await spawned.invoke(spec, request(spec, { name: 'x' }));
  t.equal(executor.zygotesTaken, 1);
  t.same(strip(a.payload), strip(b.payload));
  const logs = (r: typeof a) => lines(r).map((l) => l.replace(/\d{4}-\d\d-\d\dT[\d:.]+Z\t[0-9a-f-]+\t/, ''));
  t.same(logs(a), logs(b), 'the same log records, init output included');
});

t.test("a Python function's MemorySize caps its zygote; PYTHON* variables get a spawned runtime", { skip }, async (t) => {
  const { engine, executor } = await zygoteEngine(t);
  const codeDir = t.testdir({
    'hog.py': 'hog = []\ndef handler(event, context):\n    while True:\n        hog.append(bytearray(8 << 20))\n',
    'app.py': 'import sys\ndef handler(event, context):\n    return {"path": sys.path, "bytecode": sys.dont_write_bytecode}\n',
    extra: { 'extra_module.py': '' },
  });
  const hog = fixtureSpec('zygote-python-oom', { runtime: 'python3.12', handler: 'hog.handler', codeDir, memoryMb: 128, timeoutSeconds: 20 });
  const oom = await engine.invoke(hog, request(hog));
  t.equal(executor.zygotesTaken, 1);
  t.equal(oom.outcome, 'crash');
  t.match(json(oom.payload), { errorType: 'Runtime.OutOfMemory' });
  t.ok(oom.maxMemoryUsedMb >= 100 && oom.maxMemoryUsedMb <= 129, `max memory used ${oom.maxMemoryUsedMb} MB is within the cap`);
  const extra = join(codeDir, 'extra');
  const flagged = fixtureSpec('zygote-python-flags', {
    runtime: 'python3.12', handler: 'app.handler', codeDir, environment: { PYTHONPATH: extra, PYTHONDONTWRITEBYTECODE: '1' },
  });
  const flaggedResult = await engine.invoke(flagged, request(flagged));
  t.equal(flaggedResult.outcome, "success", flaggedResult.payload.toString());
  const result = json(flaggedResult.payload) as { path: string[]; bytecode: boolean };
  t.equal(executor.zygotesTaken, 1, 'a function with PYTHON* variables is spawned with them, not given a zygote');
  t.ok(result.path.includes(extra), 'PYTHONPATH took effect');
  t.equal(result.bytecode, true, 'PYTHONDONTWRITEBYTECODE took effect');
});

t.test('a zygote whose server is gone exits on its own', { skip }, async (t) => {
  // A zygote's assignment pipe (fd 3) is the server's: when a SIGKILLed server drops it, the zygote exits.
  const script = `
    import { ProcessExecutor } from ${JSON.stringify(join(PACKAGE_ROOT, 'dist', 'execution', 'process-executor.js'))};
    new ProcessExecutor({ zygotes: 1 });
    setTimeout(() => {}, 60_000);
  `;
  const server = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: 'ignore' });
  t.teardown(() => server.kill('SIGKILL'));
  const ppidOf = (pid: number): number => {
    try {
      return Number(/PPid:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]);
    } catch {
      return 0;
    }
  };
  const zygotesOf = async (pattern: string): Promise<number[]> => {
    const pgrep = spawn('pgrep', ['-f', pattern]);
    let out = '';
    pgrep.stdout.on('data', (d: Buffer) => (out += String(d)));
    await once(pgrep, 'exit');
    return out.trim().split('\n').filter(Boolean).map(Number).filter((pid) => ppidOf(pid) === server.pid);
  };
  let pids: number[] = [];
  for (let i = 0; i < 100 && pids.length < 2; i++) {
    await new Promise((r) => setTimeout(r, 50));
    pids = [...(await zygotesOf('runtimes/node/client.js')), ...(await zygotesOf('runtimes/python/bootstrap.py'))];
  }
  t.equal(pids.length, 2, 'the executor started one Node.js and one Python zygote');
  server.kill('SIGKILL');
  for (const pid of pids) {
    t.ok(await waitUntilGone(pid, 5000), 'the zygote exited when its server died');
    t.notOk(isAlive(pid));
  }
});
