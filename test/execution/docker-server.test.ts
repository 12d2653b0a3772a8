// The docker executor through the public API, as a user sees it: a server started with
// executor docker, functions created and invoked with the official SDK.
import t from 'tap';
import { startTestServer } from '../helpers/server.js';
import { deploy, invoke } from '../helpers/invoke.js';
import { dockerSkip, DOCKER_HOST, requireRuntimeImages, testDocker } from './docker-helpers.js';

const skip = dockerSkip();
t.setTimeout(300_000);

t.test('nodejs20.x and python3.12 functions run in containers', { skip }, async (t) => {
  await requireRuntimeImages(testDocker(), ['nodejs20.x', 'python3.12']);
  const { lambda } = await startTestServer(t, { executor: 'docker', dockerHost: DOCKER_HOST });

  await deploy(lambda, 'docker-node', {
    'index.mjs': [
      "import { readFileSync } from 'node:fs';",
      "const read = (file) => { try { return readFileSync(file, 'utf8').trim(); } catch { return undefined; } };",
      'export const handler = async (event, context) => {',
      "  console.log('node says hi');",
      '  return { event, memory: context.memoryLimitInMB, root: process.env.LAMBDA_TASK_ROOT,',
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
      '    return {"event": event, "requestId": context.aws_request_id, "root": os.environ["LAMBDA_TASK_ROOT"], "exe": sys.executable}',
      '',
    ].join('\n'),
  }, { Runtime: 'python3.12', Handler: 'app.handler' });
  const python = await invoke(lambda, 'docker-python', { from: 'sdk' }, { LogType: 'Tail' });
  t.equal(python.functionError, undefined, python.text);
  t.match(python.body, { event: { from: 'sdk' }, requestId: /^[0-9a-f-]{36}$/, root: '/var/task' });
  t.match(python.log, /python says hi/);
  const failed = await invoke(lambda, 'docker-python', { fail: true });
  t.equal(failed.functionError, 'Unhandled');
  t.match(failed.body, { errorType: 'ValueError', errorMessage: 'asked to fail' });
});
