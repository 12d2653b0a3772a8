// The process executor: the shared invoke behaviours (invoke-cases.ts) with runtimes as child
// processes, then what is its own: temp folders and cgroups cleaned up, the runtime table.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import t from 'tap';
import { batchSchedulingAvailable } from '../../src/execution/scheduling.js';
import { runtimeSupport, RUNTIMES } from '../../src/runtimes/table.js';
import { engineFor, eventually, executor, fixtureSpec, isAlive, request } from './helpers.js';
import { runInvokeCases } from './invoke-cases.js';

/** Live processes of an environment: every runtime process (children too) has its log stream in its environment. */
function environmentPids(envId: string): number[] {
  return readdirSync('/proc')
    .filter((d) => /^\d+$/.test(d))
    .map(Number)
    .filter((pid) => {
      try {
        return readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0').some((v) => v.startsWith('AWS_LAMBDA_LOG_STREAM_NAME=') && v.endsWith(envId));
      } catch {
        return false;
      }
    })
    .filter(isAlive);
}

runInvokeCases(t, {
  name: 'process',
  engine: (t, keepAliveMs) => engineFor(t, keepAliveMs),
  sees: {
    taskRoot: (spec) => spec.codeDir,
    providedRuntimeDir: (spec) => spec.codeDir,
    tmpDir: (tmpRoot, envId) => `${tmpRoot}/${envId}`,
    path: process.env['PATH'],
    runtimeApi: /^127\.0\.0\.1:\d+$/,
  },
  extraVariables: [],
  gone: (envId) => eventually(() => environmentPids(envId).length === 0, 3000),
  oomSkip: executor.memoryMode === 'rss' ? `no writable memory cgroup on this machine (${executor.memory.detail})` : false,
});

t.test('temp folders and cgroups are removed when environments stop', async (t) => {
  const { engine, tmpRoot } = await engineFor(t);
  const spec = fixtureSpec('provided-echo');
  const result = await engine.invoke(spec, request(spec));
  const envId = result.logStreamName.slice(-32);
  t.ok(existsSync(`${tmpRoot}/${envId}`), 'the temp folder exists while warm');
  const cgroup = executor.memoryMode === 'rss' ? undefined : `${executor.memory.detail}/lambdalite-${envId}`;
  if (cgroup) t.ok(existsSync(cgroup), `the environment has its cgroup (${executor.memoryMode})`);
  await engine.shutdown();
  t.notOk(existsSync(`${tmpRoot}/${envId}`), 'temp folder removed');
  if (cgroup) t.notOk(existsSync(cgroup), 'cgroup removed');
  t.same(readdirSync(tmpRoot), []);
});

/** Fields of /proc/<pid>/stat after the command name: [1] is the parent, [38] the policy (3 is SCHED_BATCH). */
const statOf = (pid: number): string[] => readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ').at(-1)!.split(' ');

/** This process's live descendants: here, the environments' runtimes (zygotes included) and their children. */
function descendants(root: number): number[] {
  const parents = new Map<number, number>();
  for (const d of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      parents.set(Number(d), Number(statOf(Number(d))[1]));
    } catch {
      continue;
    }
  }
  const found: number[] = [];
  for (let frontier = [root]; frontier.length > 0; ) {
    frontier = [...parents].filter(([, parent]) => frontier.includes(parent)).map(([pid]) => pid);
    found.push(...frontier);
  }
  return found;
}

t.test('runtimes and what they start run under SCHED_BATCH; the server does not', { skip: batchSchedulingAvailable ? false : 'no chrt on this machine' }, async (t) => {
  const { engine } = await engineFor(t);
  t.equal(statOf(process.pid)[38], '0', 'the server keeps SCHED_OTHER');
  // provided-echo is a shell bootstrap that runs a child per event; the others are lambdalite's clients.
  const specs = [
    fixtureSpec('provided-echo'),
    fixtureSpec('node-cjs', { runtime: 'nodejs20.x', handler: 'index.handler' }),
    fixtureSpec('python-basic', { runtime: 'python3.12', handler: 'app.handler' }),
  ];
  for (const spec of specs) t.equal((await engine.invoke(spec, request(spec))).outcome, 'success', `${spec.runtime} runs`);
  const pids = descendants(process.pid).filter(isAlive);
  t.ok(pids.length >= 4, `the environments' processes, and the one the shell bootstrap runs (${pids.length})`);
  t.same(pids.map((pid) => statOf(pid)[38]), pids.map(() => '3'), 'every one SCHED_BATCH');
});

t.test('runtime table: runnable ids, and clear reasons for the others', async (t) => {
  for (const id of ['nodejs18.x', 'nodejs20.x', 'nodejs22.x', 'python3.9', 'python3.13', 'provided', 'provided.al2', 'provided.al2023']) {
    t.ok(RUNTIMES[id], `${id} is in the table`);
  }
  t.equal(RUNTIMES['nodejs20.x']?.executionEnv, 'AWS_Lambda_nodejs20.x');
  t.equal(RUNTIMES['python3.12']?.executionEnv, 'AWS_Lambda_python3.12');
  t.same(runtimeSupport('provided.al2023'), { ok: true });
  const cases: [string, RegExp][] = [
    ['java21', /java21 is a Lambda runtime, but lambdalite has no runtime client/],
    ['ruby3.3', /ruby3\.3 is a Lambda runtime/],
    ['dotnet8', /dotnet8 is a Lambda runtime/],
    ['cobol1.0', /unknown runtime 'cobol1\.0'/],
  ];
  for (const [id, reason] of cases) t.match(runtimeSupport(id), { ok: false, reason }, id);
  t.equal(runtimeSupport('java21'), runtimeSupport('java21'), 'checked once and cached');
});
