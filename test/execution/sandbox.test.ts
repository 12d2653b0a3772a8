// The process executor with `sandbox: 'bwrap'`: the runtime sees a Lambda-shaped file system
// (code read-only at /var/task, a private /tmp, nothing else of the host), timeouts still kill
// everything inside, memory caps still apply. Plus the pure argv builder, as a table.
import { randomUUID } from 'node:crypto';
import { chmodSync, existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t, { type Test } from 'tap';
import { ExecutionEngine } from '../../src/execution/engine.js';
import { rssControl } from '../../src/execution/memory-control.js';
import { ProcessExecutor } from '../../src/execution/process-executor.js';
import {
  bwrapArgs,
  bwrapAvailable,
  bwrapExit,
  hostSystem,
  lambdaLayout,
  sandboxPath,
  type HostEntry,
  type SandboxLayout,
} from '../../src/execution/sandbox.js';
import { PACKAGE_ROOT, runtimeSupport } from '../../src/runtimes/table.js';
import { FIXTURES, fixtureSpec, isAlive, json, request, waitUntilGone } from './helpers.js';

const MERGED_USR: HostEntry[] = [
  { kind: 'dir', path: '/usr' },
  { kind: 'symlink', path: '/bin', target: 'usr/bin' },
  { kind: 'symlink', path: '/lib', target: 'usr/lib' },
  { kind: 'dir', path: '/etc' },
];
const NODE_LAYOUT = lambdaLayout({
  codeDir: '/data/code/abc',
  tmpDir: '/tmp/envs/e1',
  runtimeDir: '/opt/lambdalite/dist/runtimes/node',
  moduleScope: '/opt/lambdalite/package.json',
  system: MERGED_USR,
});
const PROVIDED_LAYOUT = lambdaLayout({
  codeDir: '/data/code/abc/',
  tmpDir: '/tmp/envs/e2',
  runtimeDir: undefined,
  moduleScope: '/opt/lambdalite/package.json',
  system: [{ kind: 'dir', path: '/bin' }, { kind: 'dir', path: '/opt/node-v20' }],
});
const NAMESPACES = ['--unshare-ipc', '--unshare-uts', '--unshare-pid', '--die-with-parent', '--cap-drop', 'ALL'];

t.test('bwrap argv: system layer, Lambda paths, read-only root, never --new-session', async (t) => {
  const cases: [string, SandboxLayout, string[]][] = [
    ['node runtime on a merged-/usr host', NODE_LAYOUT, [
      ...NAMESPACES,
      '--ro-bind', '/usr', '/usr', '--symlink', 'usr/bin', '/bin', '--symlink', 'usr/lib', '/lib', '--ro-bind', '/etc', '/etc',
      '--proc', '/proc', '--dev', '/dev', '--dir', '/var', '--dir', '/var/runtime',
      '--ro-bind', '/data/code/abc', '/var/task',
      '--ro-bind', '/opt/lambdalite/dist/runtimes/node', '/var/runtime/node',
      '--ro-bind', '/opt/lambdalite/package.json', '/var/runtime/package.json',
      '--bind', '/tmp/envs/e1', '/tmp',
      '--remount-ro', '/', '--chdir', '/var/task', '--',
    ]],
    ['provided runtime: no /var/runtime; a real /bin and a node prefix', PROVIDED_LAYOUT, [
      ...NAMESPACES,
      '--ro-bind', '/bin', '/bin', '--ro-bind', '/opt/node-v20', '/opt/node-v20',
      '--proc', '/proc', '--dev', '/dev', '--dir', '/var',
      '--ro-bind', '/data/code/abc/', '/var/task', '--bind', '/tmp/envs/e2', '/tmp',
      '--remount-ro', '/', '--chdir', '/var/task', '--',
    ]],
  ];
  for (const [name, layout, expected] of cases) {
    const argv = bwrapArgs(layout);
    t.same(argv, expected, name);
    t.notOk(argv.includes('--new-session'), `${name}: the process group stays the executor's`);
    t.notOk(argv.includes('--unshare-net') || argv.includes('--unshare-all'), `${name}: the network is shared`);
  }
});

t.test('host paths as the sandboxed runtime sees them', async (t) => {
  const cases: [SandboxLayout, string, string][] = [
    [NODE_LAYOUT, '/data/code/abc', '/var/task'],
    [NODE_LAYOUT, '/data/code/abc/bootstrap', '/var/task/bootstrap'],
    [NODE_LAYOUT, '/data/code/abcdef/bootstrap', '/data/code/abcdef/bootstrap'],
    [NODE_LAYOUT, '/opt/lambdalite/dist/runtimes/node', '/var/runtime/node'],
    [NODE_LAYOUT, '/opt/lambdalite/dist/runtimes/node/client.js', '/var/runtime/node/client.js'],
    [NODE_LAYOUT, '/tmp/envs/e1/x', '/tmp/x'],
    [NODE_LAYOUT, '/usr/bin/node', '/usr/bin/node'],
    [NODE_LAYOUT, '-u', '-u'],
    [NODE_LAYOUT, '--max-old-space-size=115', '--max-old-space-size=115'],
    [PROVIDED_LAYOUT, '/data/code/abc/bootstrap', '/var/task/bootstrap'],
    [PROVIDED_LAYOUT, '/data/code/abc', '/var/task'],
  ];
  for (const [layout, host, inside] of cases) t.equal(sandboxPath(layout, host), inside, host);
});

t.test("bwrap's exit status 128+N is the signal N the runtime died of", async (t) => {
  const cases: [number | null, NodeJS.Signals | null, number | null, NodeJS.Signals | null][] = [
    [137, null, null, 'SIGKILL'],
    [139, null, null, 'SIGSEGV'],
    [3, null, 3, null],
    [0, null, 0, null],
    [128, null, 128, null],
    [255, null, 255, null],
    [null, 'SIGKILL', null, 'SIGKILL'],
  ];
  for (const [code, signal, wantCode, wantSignal] of cases) {
    t.same(bwrapExit(code, signal), { code: wantCode, signal: wantSignal }, `${code}/${signal}`);
  }
});

t.test('host system layer: standard folders, and the prefix of an interpreter outside them', async (t) => {
  const dir = t.testdir({ tool: { bin: { interp: '#!/bin/sh\n' } } });
  chmodSync(join(dir, 'tool', 'bin', 'interp'), 0o755);
  const system = hostSystem([process.execPath, join(dir, 'tool', 'bin', 'interp'), '/no/such/interpreter']);
  t.ok(system.some((e) => e.path === '/usr' && e.kind === 'dir'), '/usr is bound');
  t.ok(system.some((e) => e.path === '/etc'), '/etc is bound');
  t.notOk(system.some((e) => ['/root', '/home', '/work', '/var', '/tmp'].includes(e.path)), 'nothing else of the host');
  t.ok(system.some((e) => e.kind === 'dir' && e.path === join(dir, 'tool')), 'an interpreter elsewhere brings its install prefix');
  t.equal(system.filter((e) => e.kind === 'dir' && process.execPath.startsWith(`${e.path}/`)).length, 1, 'node once');
});

const available = bwrapAvailable();
const skip = available.ok ? false : `bubblewrap cannot run here: ${available.reason}`;

/**
 * tap's @tapjs/processinfo (through process-on-spawn) sets NODE_OPTIONS=--import=<its loader in
 * node_modules> on every child of a test process; inside the sandbox that file is not visible and
 * node would refuse to start. Outside tap this hook does not exist and nothing changes.
 */
type SpawnHook = (o: { env: Record<string, string>; readonly args: readonly string[] }) => void;
const onSpawn = (globalThis as Record<symbol, { listeners: SpawnHook[] } | undefined>)[Symbol.for('process-on-spawn@*:singletonId')];
onSpawn?.listeners.push((o) => {
  if (!available.ok || !o.args.includes(available.path) || !/@tapjs/.test(o.env['NODE_OPTIONS'] ?? '')) return;
  const { NODE_OPTIONS: _harness, ...env } = o.env;
  o.env = env;
});

t.test('asking for bwrap where it cannot run refuses to start', { skip: available.ok ? 'bwrap works here' : false }, async (t) => {
  t.throws(() => new ProcessExecutor({ sandbox: 'bwrap' }), /sandbox 'bwrap' was asked for, but bubblewrap cannot be used/);
});

t.test('sandboxed environments', { skip }, async (t) => {
  const executor = new ProcessExecutor({ sandbox: 'bwrap' });
  t.equal(executor.sandbox, 'bwrap');
  t.equal(new ProcessExecutor().sandbox, 'none', 'none by default');

  async function engineFor(t: Test, sandboxed = executor): Promise<{ engine: ExecutionEngine; tmpRoot: string }> {
    const tmpRoot = await mkdtemp(join(tmpdir(), 'lambdalite-sandbox-'));
    const engine = new ExecutionEngine({ executor: sandboxed, tmpRoot, keepAliveMs: 60_000 });
    t.teardown(async () => {
      await engine.shutdown();
      await rm(tmpRoot, { recursive: true, force: true });
    });
    return { engine, tmpRoot };
  }
  const nodeSpec = (environment: Record<string, string> = {}, timeoutSeconds = 3) =>
    fixtureSpec('sandbox-node', { runtime: 'nodejs20.x', handler: 'index.handler', environment, timeoutSeconds });

  t.test('nodejs20.x: Lambda paths, read-only code, a private /tmp that stays warm, the host hidden', async (t) => {
    const { engine, tmpRoot } = await engineFor(t);
    const spec = nodeSpec();
    const hidden = [tmpRoot, join(FIXTURES, 'provided-echo'), FIXTURES, '/root', PACKAGE_ROOT, join(PACKAGE_ROOT, 'dist')];
    const first = await engine.invoke(spec, request(spec, { action: 'probe', note: 'kept', paths: [...hidden, '/usr/bin/sh', '/var/task/index.mjs'] }));
    t.equal(first.outcome, 'success', first.payload.toString());
    const seen = json(first.payload) as { visible: Record<string, boolean> } & Record<string, unknown>;
    t.match(seen, {
      cwd: '/var/task',
      taskRoot: '/var/task',
      runtimeDir: '/var/runtime/node',
      tmpDir: '/tmp',
      handler: 'index.handler',
      writeTask: 'EROFS',
      writeRoot: 'EROFS',
      writeTmp: 'written',
    });
    for (const path of hidden) t.equal(seen.visible[path], false, `${path} is not visible inside`);
    t.equal(seen.visible['/usr/bin/sh'], true, 'the system is');
    t.equal(seen.visible['/var/task/index.mjs'], true, 'the code is, at /var/task');
    const envTmp = join(tmpRoot, first.logStreamName.slice(-32));
    t.equal(readFileSync(join(envTmp, 'x'), 'utf8'), 'kept', "/tmp is the environment's temp folder on the host");
    t.notOk(existsSync(join(spec.codeDir, 'x')), 'the code folder is untouched');

    const second = await engine.invoke(spec, request(spec, { action: 'readTmp' }));
    t.equal(second.logStreamName, first.logStreamName, 'same warm environment');
    t.same(json(second.payload), { note: 'kept' }, '/tmp survives to the next warm invoke');
  });

  t.test('provided.al2023: a shell bootstrap answers, with the Lambda paths', async (t) => {
    const { engine } = await engineFor(t);
    const echo = fixtureSpec('provided-echo');
    const result = await engine.invoke(echo, request(echo, { hello: 'sandbox' }));
    t.equal(result.outcome, 'success');
    t.same(json(result.payload), { hello: 'sandbox' });
    t.ok(result.logLines.some((l) => l.line === 'echo runtime starting in /var/task'), 'cwd is /var/task');
    const dump = fixtureSpec('provided-envdump', { environment: { STAGE: 'sandboxed' } });
    const env = json((await engine.invoke(dump, request(dump))).payload) as Record<string, string>;
    t.match(env, { LAMBDA_TASK_ROOT: '/var/task', LAMBDA_RUNTIME_DIR: '/var/task', TMPDIR: '/tmp', PWD: '/var/task' });
    t.match(env, { _HANDLER: 'function.handler', STAGE: 'sandboxed', AWS_LAMBDA_RUNTIME_API: /^127\.0\.0\.1:\d+$/ });
  });

  t.test('python3.12 answers too', { skip: runtimeSupport('python3.12').ok ? false : 'no python3 here' }, async (t) => {
    const { engine } = await engineFor(t);
    const spec = fixtureSpec('python-basic', { runtime: 'python3.12', handler: 'app.handler' });
    const result = await engine.invoke(spec, request(spec, { name: 'boxed' }));
    t.equal(result.outcome, 'success', result.payload.toString());
    t.match(json(result.payload), { event: { name: 'boxed' }, invocations: 1 });
  });

  t.test('a timeout kills every process inside the sandbox; the next invoke works', async (t) => {
    const { engine } = await engineFor(t);
    const mark = randomUUID();
    const spec = nodeSpec({ SANDBOX_MARK: mark }, 1);
    const invoked = engine.invoke(spec, request(spec, { action: 'hang' }));
    let pids: number[] = [];
    for (let i = 0; i < 100 && !pids.some((pid) => comm(pid) === 'sleep'); i++) {
      await new Promise((r) => setTimeout(r, 10));
      pids = markedPids(mark);
    }
    const names = pids.map(comm);
    t.ok(names.includes('sleep') && names.includes('node'), `the runtime and its child found on the host: ${names.join(', ')}`);
    const result = await invoked;
    t.equal(result.outcome, 'timeout');
    for (const pid of pids) t.ok(await waitUntilGone(pid), `${names[pids.indexOf(pid)]} (${pid}) is gone`);
    t.same(markedPids(mark), [], 'nothing of the sandbox is left');
    const next = await engine.invoke(spec, request(spec, { action: 'readTmp' }));
    t.equal(next.outcome, 'function-error', 'a fresh environment: its /tmp starts empty');
    t.type(next.initDurationMs, 'number');
    t.match(json(next.payload), { errorMessage: /ENOENT/ });
  });

  t.test('the memory cgroup caps the whole sandbox → Runtime.OutOfMemory', {
    skip: executor.memoryMode === 'rss' ? `no writable memory cgroup here (${executor.memory.detail})` : false,
  }, async (t) => {
    const { engine } = await engineFor(t);
    const spec = fixtureSpec('provided-oom', { memoryMb: 128 });
    const req = request(spec);
    const result = await engine.invoke(spec, req);
    t.equal(result.outcome, 'crash');
    t.same(json(result.payload), {
      errorType: 'Runtime.OutOfMemory',
      errorMessage: `RequestId: ${req.requestId} Error: Runtime exited with error: signal: killed`,
    });
  });

  t.test('without cgroups, the RSS watcher finds the runtime inside the sandbox → Runtime.OutOfMemory', async (t) => {
    const { engine } = await engineFor(t, new ProcessExecutor({ memory: rssControl('forced by the test'), sandbox: 'bwrap' }));
    const spec = fixtureSpec('provided-oom', { memoryMb: 128 });
    const result = await engine.invoke(spec, request(spec));
    t.equal(result.outcome, 'crash');
    t.match(json(result.payload), { errorType: 'Runtime.OutOfMemory' });
    t.ok(result.maxMemoryUsedMb > 128, `the runtime's own VmHWM, over the cap: ${result.maxMemoryUsedMb} MB`);
  });
});

function comm(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
  } catch {
    return '';
  }
}

/** Host PIDs of live processes started with SANDBOX_MARK=<mark> (bwrap's own, the runtime, its children). */
function markedPids(mark: string): number[] {
  return readdirSync('/proc')
    .filter((d) => /^\d+$/.test(d))
    .map(Number)
    .filter((pid) => {
      try {
        return readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0').includes(`SANDBOX_MARK=${mark}`);
      } catch {
        return false;
      }
    })
    .filter(isAlive);
}
