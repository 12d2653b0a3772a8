// The docker executor through the public API, as a user sees it: a server started with
// executor docker, functions created and invoked with the official SDK.
import t, { type Test } from 'tap';
import { startTestServer } from '../helpers/server.js';
import { deploy, invoke } from '../helpers/invoke.js';
import { dockerSkip, DOCKER_HOST, requireRuntimeImages, testDocker } from './docker-helpers.js';

const skip = dockerSkip();
t.setTimeout(300_000);

/** A server on the docker executor, once the Node.js and Python runtime images are there: its SDK client. */
async function dockerServer(t: Test) {
  await requireRuntimeImages(testDocker(), ['nodejs20.x', 'python3.12']);
  return (await startTestServer(t, { executor: 'docker', dockerHost: DOCKER_HOST })).lambda;
}

t.test('nodejs20.x and python3.12 functions run in containers', { skip }, async (t) => {
  const lambda = await dockerServer(t);

  await deploy(lambda, 'docker-node', {
    'index.mjs': [
      "import { readFileSync } from 'node:fs';",
      "const read = (file) => { try { return readFileSync(file, 'utf8').trim(); } catch { return undefined; } };",
      'export const handler = async (event, context) => {',
      "  console.log('node says hi');",
      '  return { event, memory: context.memoryLimitInMB, root: process.env.LAMBDA_TASK_ROOT, markToken: process.env.LAMBDALITE_OUTPUT_MARK,',
      "    cgroupLimit: read('/sys/fs/cgroup/memory/memory.limit_in_bytes') ?? read('/sys/fs/cgroup/memory.max') };",
      '};',
      '',
    ].join('\n'),
  }, { MemorySize: 256 });
  const node = await invoke(lambda, 'docker-node', { from: 'sdk' }, { LogType: 'Tail' });
  t.equal(node.status, 200);
  t.equal(node.functionError, undefined, node.text);
  t.same(node.body, { event: { from: 'sdk' }, memory: '256', root: '/var/task', cgroupLimit: String(256 * 1024 * 1024) });
  t.match(node.log, /node says hi/);
  t.match(node.log, /REPORT RequestId: \S+\tDuration: [\d.]+ ms\tBilled Duration: \d+ ms\tMemory Size: 256 MB\tMax Memory Used: \d+ MB\tInit Duration/);

  await deploy(lambda, 'docker-python', {
    'app.py': [
      'import os, sys',
      'def handler(event, context):',
      '    print("python says hi")',
      '    if event.get("fail"):',
      '        raise ValueError("asked to fail")',
      '    return {"event": event, "requestId": context.aws_request_id, "root": os.environ["LAMBDA_TASK_ROOT"], "exe": sys.executable,',
      '            "markToken": os.environ.get("LAMBDALITE_OUTPUT_MARK")}',
      '',
    ].join('\n'),
  }, { Runtime: 'python3.12', Handler: 'app.handler' });
  const python = await invoke(lambda, 'docker-python', { from: 'sdk' }, { LogType: 'Tail' });
  t.equal(python.functionError, undefined, python.text);
  t.match(python.body, { event: { from: 'sdk' }, requestId: /^[0-9a-f-]{36}$/, root: '/var/task' });
  t.equal((python.body as { markToken?: unknown }).markToken, null, 'the output-mark token is not left to user code');
  t.match(python.log, /python says hi/);
  const failed = await invoke(lambda, 'docker-python', { fail: true });
  t.equal(failed.functionError, 'Unhandled');
  t.match(failed.body, { errorType: 'ValueError', errorMessage: 'asked to fail' });
});

t.test("each invocation's output, stdout and stderr, is all in its own log", { skip }, async (t) => {
  const lambda = await dockerServer(t);
  await deploy(lambda, 'docker-node-lines', {
    'index.js': [
      'exports.handler = async (event) => {',
      '  for (let i = 0; i < 20; i++) { console.log(`out ${event.n} ${i}`); console.error(`err ${event.n} ${i}`); }',
      '  process.stdout.write(`partial ${event.n}`);',
      '  return event.n;',
      '};',
      '',
    ].join('\n'),
  });
  await deploy(lambda, 'docker-python-lines', {
    'app.py': [
      'import sys',
      'def handler(event, context):',
      '    for i in range(20):',
      '        print("out {} {}".format(event["n"], i))',
      '        print("err {} {}".format(event["n"], i), file=sys.stderr)',
      '    sys.stdout.write("partial {}".format(event["n"]))',
      '    return event["n"]',
      '',
    ].join('\n'),
  }, { Runtime: 'python3.12', Handler: 'app.handler' });
  for (const name of ['docker-node-lines', 'docker-python-lines']) {
    for (let n = 0; n < 8; n++) {
      const r = await invoke(lambda, name, { n }, { LogType: 'Tail' });
      t.equal(r.text, String(n), `${name} #${n}`);
      const own = r.log!.split('\n').filter((l) => /(^|\s)((out|err) \d+ \d+|partial \d+)$/.test(l));
      t.equal(own.filter((l) => l.endsWith(`out ${n} 19`) || l.endsWith(`err ${n} 19`)).length, 2, `${name} #${n}: its last lines are in`);
      t.equal(own.filter((l) => l.endsWith(`partial ${n}`)).length, 1, `${name} #${n}: its partial last line is in`);
      t.same(own.filter((l) => !new RegExp(`(^|\\s)((out|err) ${n} \\d+|partial ${n})$`).test(l)), [], `${name} #${n}: no other invocation's lines`);
      t.equal(own.length, 41, `${name} #${n}: all its lines`);
      t.notMatch(r.log!, /\0/, `${name} #${n}: no mark is left in the log`);
    }
  }
});
