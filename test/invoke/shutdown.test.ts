// Stopping the server leaves no runtime process behind (DESIGN.md "clean shutdown"): warm
// environments of every runtime, what their handlers started, and an invocation still running;
// deleting a function stops its environments.
import { DeleteFunctionCommand } from '@aws-sdk/client-lambda';
import { readFileSync } from 'node:fs';
import t from 'tap';
import { detectMemoryControl } from '../../src/execution/memory-control.js';
import { deploy, invoke, processExists, sleep } from '../helpers/invoke.js';
import { startTestServer } from '../helpers/server.js';

const NODE = `
const { spawn } = require('node:child_process');
exports.handler = async (event) => {
  let child;
  if (event.spawn) {
    // Its own process group (detached), so only the environment's cgroup still holds it.
    child = spawn('sleep', ['300'], { detached: event.spawn === 'detached', stdio: 'ignore' }).pid;
  }
  if (event.sleepMs) await new Promise((resolve) => setTimeout(resolve, event.sleepMs));
  return { pid: process.pid, child };
};
`;

const PYTHON = `
import os


def handler(event, context):
    return {"pid": os.getpid()}
`;

const BOOTSTRAP = `#!/bin/sh
API="http://\${AWS_LAMBDA_RUNTIME_API}/2018-06-01/runtime"
while true; do
  curl -sS -D "$TMPDIR/h" -o /dev/null "$API/invocation/next"
  ID=$(grep -i '^lambda-runtime-aws-request-id:' "$TMPDIR/h" | cut -d: -f2 | tr -d ' \\r')
  curl -sS -o /dev/null -X POST -d "{\\"pid\\":$$}" "$API/invocation/$ID/response"
done
`;

t.test('after stop() no runtime process of any environment is left', async (t) => {
  const { lambda, server, stop } = await startTestServer(t);
  await deploy(lambda, 'node-fn', { 'index.js': NODE }, { Timeout: 30 });
  await deploy(lambda, 'python-fn', { 'app.py': PYTHON }, { Runtime: 'python3.12', Handler: 'app.handler' });
  await deploy(lambda, 'shell-fn', { bootstrap: [BOOTSTRAP, 0o755] }, { Runtime: 'provided.al2023', Handler: 'x' });

  const runtimes: number[] = [];
  const descendants: number[] = [];
  // Three warm Node.js environments (concurrent invokes), one of them with a child in its group.
  const nodeResults = await Promise.all([
    invoke(lambda, 'node-fn', { sleepMs: 300, spawn: 'attached' }),
    invoke(lambda, 'node-fn', { sleepMs: 300 }),
    invoke(lambda, 'node-fn', { sleepMs: 300 }),
  ]);
  for (const r of nodeResults) runtimes.push(r.body.pid);
  descendants.push(nodeResults[0]!.body.child);
  if (detectMemoryControl().mode !== 'rss') {
    // Out of the process group: only the cgroup (cgroup modes) still knows it belongs to the environment.
    descendants.push((await invoke(lambda, 'node-fn', { spawn: 'detached' })).body.child);
  }
  runtimes.push((await invoke(lambda, 'python-fn', {})).body.pid);
  runtimes.push((await invoke(lambda, 'shell-fn', {})).body.pid);
  const all = [...runtimes, ...descendants];
  t.equal(new Set(all).size, all.length, `distinct processes: ${all.join(', ')}`);
  t.ok(all.every((pid) => Number.isInteger(pid) && processExists(pid)), 'all of them running before the stop');
  t.match(server.engine.stats(), {
    'node-fn:$LATEST': { environments: 3 },
    'python-fn:$LATEST': { environments: 1 },
    'shell-fn:$LATEST': { environments: 1 },
  });

  await stop();
  for (const pid of runtimes) {
    t.throws(() => process.kill(pid, 0), { code: 'ESRCH' }, `runtime process ${pid} is gone`);
  }
  // A killed grandchild is re-parented to init, which reaps it when it will: until then it is a
  // zombie, dead but still answering kill(pid, 0).
  for (const pid of descendants) t.ok(deadOrZombie(pid), `process ${pid} started by a handler is dead`);
});

t.test('closing while an invocation runs: the caller is answered at once and its runtime is gone', async (t) => {
  const { lambda, server } = await startTestServer(t);
  await deploy(lambda, 'busy', { 'index.js': NODE }, { Timeout: 60 });
  const { pid } = (await invoke(lambda, 'busy', {})).body;

  // A plain HTTP client, so that only the server decides when the request ends.
  const running = fetch(`${server.url}/2015-03-31/functions/busy/invocations`, { method: 'POST', body: '{"sleepMs":30000}' });
  await sleep(500);
  const closingMs = Date.now();
  await server.close();
  const tookMs = Date.now() - closingMs;
  t.ok(tookMs < 10_000, `close() does not wait for the 30 s handler, nor for idle keep-alive connections (${tookMs} ms)`);
  const res = await running;
  t.equal(res.status, 200, 'the in-flight invoke was answered');
  t.equal(res.headers.get('x-amz-function-error'), 'Unhandled');
  t.match(await res.json(), { errorType: 'Runtime.ExitError', errorMessage: /signal: killed$/ }, 'its runtime was stopped');
  t.throws(() => process.kill(pid, 0), { code: 'ESRCH' }, 'the busy runtime process is gone');
});

t.test('DeleteFunction stops the function\'s warm environments', async (t) => {
  const { lambda, server } = await startTestServer(t);
  await deploy(lambda, 'doomed', { 'index.js': NODE });
  await deploy(lambda, 'bystander', { 'index.js': NODE });
  const pids = (await Promise.all([0, 1].map(() => invoke(lambda, 'doomed', { sleepMs: 300 })))).map((r) => r.body.pid as number);
  const bystander = (await invoke(lambda, 'bystander', {})).body.pid as number;
  t.match(server.engine.stats(), { 'doomed:$LATEST': { environments: 2 } });

  await lambda.send(new DeleteFunctionCommand({ FunctionName: 'doomed' }));
  for (let i = 0; i < 150 && pids.some(processExists); i++) await sleep(20);
  for (const pid of pids) t.throws(() => process.kill(pid, 0), { code: 'ESRCH' }, `runtime process ${pid} is gone`);
  t.notOk('doomed:$LATEST' in server.engine.stats(), 'its pool is gone');
  t.ok(processExists(bystander), 'other functions keep their environments');
  t.equal((await invoke(lambda, 'bystander', {})).body.pid, bystander, 'and stay warm');
});

function deadOrZombie(pid: number): boolean {
  if (!processExists(pid)) return true;
  try {
    return readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ').at(-1)?.startsWith('Z') ?? true;
  } catch {
    return true;
  }
}
