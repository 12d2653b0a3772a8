// When the platform ends an invocation — timeout, the runtime process exiting, the memory limit —
// the caller gets FunctionError Unhandled with AWS's error payload, the environment is replaced,
// and the next invoke works ("Troubleshoot invocation issues in Lambda").
import t from 'tap';
import { detectMemoryControl } from '../../src/execution/memory-control.js';
import { deploy, invoke, processExists } from '../helpers/invoke.js';
import { startTestServer } from '../helpers/server.js';

const HANDLER = `
exports.handler = async (event) => {
  if (event.sleepMs) await new Promise((resolve) => setTimeout(resolve, event.sleepMs));
  if (event.exit !== undefined) process.exit(event.exit);
  if (event.allocateMb) {
    const held = [];
    for (let i = 0; i < event.allocateMb; i += 10) held.push(Buffer.alloc(10 * 1024 * 1024, 1));
    await new Promise((resolve) => setTimeout(resolve, 300)); // working with it a while
    return { allocated: held.length * 10 };
  }
  return { pid: process.pid, ok: true };
};
`;

t.test('timeout: Sandbox.Timedout after Timeout seconds, then the next invoke works', async (t) => {
  const { lambda } = await startTestServer(t);
  await deploy(lambda, 'slow', { 'index.js': HANDLER }, { Timeout: 1 });

  const warm = await invoke(lambda, 'slow', {});
  const startedMs = Date.now();
  const res = await invoke(lambda, 'slow', { sleepMs: 5000 }, { LogType: 'Tail' });
  const tookMs = Date.now() - startedMs;
  t.equal(res.status, 200);
  t.equal(res.functionError, 'Unhandled');
  t.equal(res.body.errorType, 'Sandbox.Timedout');
  t.match(res.body.errorMessage, /^RequestId: [0-9a-f-]{36} Error: Task timed out after 1\.00 seconds$/);
  t.ok(tookMs < 4500, `the caller is answered at the timeout, not when the handler ends (${tookMs} ms)`);
  t.match(res.log, /\tBilled Duration: 1000 ms\t/, 'the whole timeout is billed');
  t.match(res.log, /\n\d{4}-\d{2}-\d{2}T[\d:.]+Z [0-9a-f-]{36} Task timed out after 1\.00 seconds\nEND RequestId: /,
    'the log says so before END, as Lambda writes it');
  t.ok(await waitGone(warm.body.pid), 'the timed-out runtime process was killed');

  const next = await invoke(lambda, 'slow', {});
  t.equal(next.functionError, undefined);
  t.equal(next.body.ok, true, 'a new environment serves the next invoke');
  t.not(next.body.pid, warm.body.pid);
});

t.test('crash: process.exit(3) gives Runtime.ExitError naming the exit status, then recovery', async (t) => {
  const { lambda } = await startTestServer(t);
  await deploy(lambda, 'crashy', { 'index.js': HANDLER });

  const res = await invoke(lambda, 'crashy', { exit: 3 }, { LogType: 'Tail' });
  t.equal(res.status, 200);
  t.equal(res.functionError, 'Unhandled');
  t.equal(res.body.errorType, 'Runtime.ExitError');
  t.match(res.body.errorMessage, /^RequestId: [0-9a-f-]{36} Error: Runtime exited with error: exit status 3$/);
  t.ok(res.log?.includes(`\n${res.body.errorMessage}\nRuntime.ExitError\nEND RequestId: `), 'the log has the error, then its type, before END');

  const clean = await invoke(lambda, 'crashy', { exit: 0 });
  t.equal(clean.functionError, 'Unhandled', 'an exit without answering is a failure even with status 0');
  t.equal(clean.body.errorType, 'Runtime.ExitError');

  const next = await invoke(lambda, 'crashy', {});
  t.equal(next.functionError, undefined);
  t.equal(next.body.ok, true, 'the next invoke works in a new environment');
});

t.test('memory: a handler that grows past MemorySize is killed with Runtime.OutOfMemory', async (t) => {
  const { lambda, server } = await startTestServer(t);
  await deploy(lambda, 'hungry', { 'index.js': HANDLER }, { MemorySize: 128, Timeout: 20 });

  const res = await invoke(lambda, 'hungry', { allocateMb: 300 }, { LogType: 'Tail' });
  t.equal(res.status, 200);
  t.equal(res.functionError, 'Unhandled', `killed (payload: ${res.text})`);
  t.equal(res.body.errorType, 'Runtime.OutOfMemory');
  t.match(res.body.errorMessage, /^RequestId: [0-9a-f-]{36} Error: Runtime exited with error: signal: killed$/);
  const maxUsed = Number(/Max Memory Used: (\d+) MB/.exec(res.log ?? '')?.[1]);
  // A cgroup stops the growth at the limit; the 'rss' fallback samples, so it may see more first.
  const cgroup = detectMemoryControl().mode !== 'rss';
  t.ok(maxUsed >= 100 && (!cgroup || maxUsed <= 140), `Max Memory Used is about the limit (${maxUsed} MB)`);
  t.match(server.engine.stats(), { 'hungry:$LATEST': { environments: 0 } }, 'the killed environment is discarded');

  const small = await invoke(lambda, 'hungry', { allocateMb: 20 });
  t.equal(small.functionError, undefined);
  t.same(small.body, { allocated: 20 }, 'a smaller allocation works in a new environment');
});

t.test('the memory limit is the function\'s MemorySize', async (t) => {
  const { lambda } = await startTestServer(t);
  await deploy(lambda, 'roomy', { 'index.js': HANDLER }, { MemorySize: 512, Timeout: 20 });
  const res = await invoke(lambda, 'roomy', { allocateMb: 300 });
  t.equal(res.functionError, undefined, `300 MB fit in 512 MB (payload: ${res.text})`);
  t.same(res.body, { allocated: 300 });
});

/** Waits up to 3 s for a process to be gone; true when it is. */
async function waitGone(pid: number): Promise<boolean> {
  for (let i = 0; i < 150 && processExists(pid); i++) await new Promise((r) => setTimeout(r, 20));
  return !processExists(pid);
}
