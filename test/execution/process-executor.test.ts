// The process executor's contract with a runtime: the exact Lambda environment variables (and
// nothing of the server's), cwd, the private temp folder, cgroup clean-up; the runtime table.
import { existsSync, readdirSync } from 'node:fs';
import t from 'tap';
import { runtimeSupport, RUNTIMES } from '../../src/runtimes/table.js';
import { engineFor, executor, fixtureSpec, json, request } from './helpers.js';

process.env['LAMBDALITE_SERVER_SECRET'] = 'must-not-leak';

t.test('the runtime sees the Lambda variables, its own, and nothing of the server', async (t) => {
  const { engine, tmpRoot } = await engineFor(t);
  const spec = fixtureSpec('provided-envdump', { memoryMb: 256, environment: { STAGE: 'test', TZ_NOTE: 'kept' } });
  const result = await engine.invoke(spec, request(spec));
  t.equal(result.outcome, 'success');
  const env = json(result.payload) as Record<string, string>;
  t.match(env, {
    AWS_LAMBDA_RUNTIME_API: /^127\.0\.0\.1:\d+$/,
    _HANDLER: 'function.handler',
    LAMBDA_TASK_ROOT: spec.codeDir,
    LAMBDA_RUNTIME_DIR: spec.codeDir,
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
    PATH: process.env['PATH'],
    AWS_ACCESS_KEY_ID: /.+/,
    AWS_SECRET_ACCESS_KEY: /.+/,
    AWS_SESSION_TOKEN: /.+/,
    STAGE: 'test',
    TZ_NOTE: 'kept',
  });
  t.equal(env['TMPDIR'], `${tmpRoot}/${result.logStreamName.slice(-32)}`, 'TMPDIR is the private folder <tmpRoot>/<envId>');
  t.equal(env['PWD'] ?? spec.codeDir, spec.codeDir, 'cwd is the code folder');
  t.notOk('LAMBDALITE_SERVER_SECRET' in env, "the server's environment does not leak");
  t.notOk('HOME' in env, 'not even HOME');
  t.notOk('AWS_EXECUTION_ENV' in env, 'none for an OS-only runtime, as on AWS');
  const allowed = new Set([
    ...'AWS_LAMBDA_RUNTIME_API _HANDLER LAMBDA_TASK_ROOT LAMBDA_RUNTIME_DIR AWS_LAMBDA_FUNCTION_NAME AWS_LAMBDA_FUNCTION_VERSION'.split(' '),
    ...'AWS_LAMBDA_FUNCTION_MEMORY_SIZE AWS_LAMBDA_LOG_GROUP_NAME AWS_LAMBDA_LOG_STREAM_NAME AWS_LAMBDA_INITIALIZATION_TYPE'.split(' '),
    ...'AWS_REGION AWS_DEFAULT_REGION TZ LANG PATH AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN TMPDIR STAGE TZ_NOTE'.split(' '),
    // Set by /bin/sh itself, or python's locale coercion.
    'PWD', 'SHLVL', '_', 'LC_CTYPE', 'OLDPWD',
  ]);
  // tap's @tapjs/processinfo wraps child_process.spawn and adds its own variables to every child
  // of a test process; outside tap they are absent.
  const harness = (k: string): boolean => k.startsWith('_TAPJS_') || (k === 'NODE_OPTIONS' && /@tapjs/.test(env[k] ?? ''));
  t.same(Object.keys(env).filter((k) => !allowed.has(k) && !harness(k)), [], 'no other variable');
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
