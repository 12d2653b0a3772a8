// Pre-started Node.js runtimes (src/execution/zygote-pool.ts): a function served by a zygote must
// be indistinguishable from one served by a freshly spawned runtime.
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

t.test('a zygote whose server is gone exits on its own', { skip }, async (t) => {
  // The zygote's stdin is the server's pipe: when a SIGKILLed server drops it, the zygote exits.
  const script = `
    import { ProcessExecutor } from ${JSON.stringify(join(PACKAGE_ROOT, 'dist', 'execution', 'process-executor.js'))};
    new ProcessExecutor({ zygotes: 1 });
    setTimeout(() => {}, 60_000);
  `;
  const server = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: 'ignore' });
  t.teardown(() => server.kill('SIGKILL'));
  let pids: number[] = [];
  const ppidOf = (pid: number): number => {
    try {
      return Number(/PPid:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]);
    } catch {
      return 0;
    }
  };
  for (let i = 0; i < 100 && pids.length === 0; i++) {
    await new Promise((r) => setTimeout(r, 50));
    const pgrep = spawn('pgrep', ['-f', 'runtimes/node/client.js']);
    let out = '';
    pgrep.stdout.on('data', (d: Buffer) => (out += String(d)));
    await once(pgrep, 'exit');
    pids = out.trim().split('\n').filter(Boolean).map(Number).filter((pid) => ppidOf(pid) === server.pid);
  }
  t.equal(pids.length, 1, 'the executor started one zygote');
  server.kill('SIGKILL');
  t.ok(await waitUntilGone(pids[0]!, 5000), 'the zygote exited when its server died');
  t.notOk(isAlive(pids[0]!));
});
