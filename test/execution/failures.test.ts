// What AWS returns when the platform ends an invocation: timeouts, crashes, init errors, oversized
// responses, the memory limit. After each failure the next invoke works on a fresh environment.
import t from 'tap';
import { ExecutionEngine } from '../../src/execution/engine.js';
import { rssControl } from '../../src/execution/memory-control.js';
import { ProcessExecutor } from '../../src/execution/process-executor.js';
import { engineFor, executor, fixtureSpec, json, lines, request, waitUntilGone } from './helpers.js';

t.test('timeout kills the whole process group; the next invoke works', async (t) => {
  const { engine } = await engineFor(t);
  const spec = fixtureSpec('provided-sleep', { timeoutSeconds: 1 });
  const req = request(spec);
  const started = Date.now();
  const result = await engine.invoke(spec, req);
  t.ok(Date.now() - started < 3000, 'answers right after the deadline');
  t.equal(result.outcome, 'timeout');
  t.same(json(result.payload), {
    errorType: 'Sandbox.Timedout',
    errorMessage: `RequestId: ${req.requestId} Error: Task timed out after 1.00 seconds`,
  });
  t.equal(result.durationMs, 1000);
  const printed = lines(result).find((l) => l.startsWith('bootstrap pid '));
  const [, bootstrapPid, childPid] = /bootstrap pid (\d+) child pid (\d+)/.exec(printed ?? '') ?? [];
  t.ok(bootstrapPid && childPid, `the bootstrap printed its PIDs: ${printed}`);
  t.ok(await waitUntilGone(Number(bootstrapPid)), 'the bootstrap is gone');
  t.ok(await waitUntilGone(Number(childPid)), 'the sleep it started is gone too');
  t.match(engine.stats(), { 'provided-sleep:$LATEST': { environments: 0 } });

  const echo = fixtureSpec('provided-echo', { functionName: 'provided-sleep', timeoutSeconds: 1 });
  const next = await engine.invoke(echo, request(echo, { after: 'timeout' }));
  t.equal(next.outcome, 'success');
  t.same(json(next.payload), { after: 'timeout' });
});

t.test('crash → Runtime.ExitError with the exit status, then recovery', async (t) => {
  const { engine } = await engineFor(t);
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
});

t.test('init error → the runtime body, the environment discarded and its process killed', async (t) => {
  const { engine } = await engineFor(t);
  const spec = fixtureSpec('provided-initerror');
  const result = await engine.invoke(spec, request(spec));
  t.equal(result.outcome, 'init-error');
  t.same(json(result.payload), {
    errorType: 'Runtime.ImportModuleError',
    errorMessage: "Error: Cannot find module 'index'",
    stackTrace: [],
  });
  const loading = lines(result).find((l) => l.startsWith('loading handler function.handler in pid '));
  t.ok(loading, 'init output is in the result');
  t.ok(await waitUntilGone(Number(loading?.split(' ').at(-1))), 'the runtime that reported the error is killed');
  t.type(result.initDurationMs, 'number');
  t.match(engine.stats(), { 'provided-initerror:$LATEST': { environments: 0, stopping: 0 } });
});

t.test('a missing or non-executable bootstrap → Runtime.InvalidEntrypoint', async (t) => {
  const { engine } = await engineFor(t);
  const spec = fixtureSpec('provided-echo', { codeDir: t.testdir({ 'readme.txt': 'no bootstrap here' }) });
  const req = request(spec);
  const result = await engine.invoke(spec, req);
  t.equal(result.outcome, 'init-error');
  t.match(json(result.payload), { errorType: 'Runtime.InvalidEntrypoint', errorMessage: /Couldn't find valid bootstrap/ });
  t.equal((await engine.invoke(spec, request(spec))).outcome, 'init-error', 'and never hangs');

  const codeDir = t.testdir({ bootstrap: '#!/bin/sh\nexit 0\n' });
  const notExecutable = fixtureSpec('provided-echo', { codeDir });
  const denied = await engine.invoke(notExecutable, request(notExecutable));
  t.match(json(denied.payload), { errorType: 'Runtime.InvalidEntrypoint', errorMessage: /fork\/exec .*bootstrap: permission denied/ });
});

t.test('a process that exits before its first /next → Runtime.ExitError at init', async (t) => {
  const { engine } = await engineFor(t);
  const codeDir = t.testdir({ bootstrap: '#!/bin/sh\necho "cannot start" >&2\nexit 1\n' });
  const { chmodSync } = await import('node:fs');
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
});

t.test('unsupported runtimes fail fast with the reason', async (t) => {
  const { engine } = await engineFor(t);
  const spec = fixtureSpec('provided-echo', { runtime: 'java21' });
  const result = await engine.invoke(spec, request(spec));
  t.equal(result.outcome, 'init-error');
  t.match(json(result.payload), { errorType: 'InvalidRuntimeException', errorMessage: /java21 is a Lambda runtime, but lambdalite has no runtime client/ });
  t.same(engine.stats(), {}, 'nothing was started');
});

t.test('a response over 6 MB → Function.ResponseSizeTooLarge; the runtime got 413 and stays warm', async (t) => {
  const { engine } = await engineFor(t);
  const spec = fixtureSpec('provided-big');
  const first = await engine.invoke(spec, request(spec));
  t.equal(first.outcome, 'response-too-large');
  t.same(json(first.payload), {
    errorMessage: 'Response payload size exceeded maximum allowed payload size (6291556 bytes).', // sic: AWS's text
    errorType: 'Function.ResponseSizeTooLarge',
  });
  const second = await engine.invoke(spec, request(spec));
  t.equal(second.outcome, 'response-too-large');
  t.ok(lines(second).some((l) => l.startsWith('runtime api answered 413 {"errorMessage":"Exceeded maximum allowed payload size')), 'the runtime saw 413');
  t.equal(first.logStreamName, second.logStreamName, 'same environment');
});

const noCgroup =
  executor.memoryMode === 'rss' ? `no writable memory cgroup on this machine (${executor.memory.detail})` : false;

t.test('memory over the limit → Runtime.OutOfMemory', { skip: noCgroup }, async (t) => {
  t.comment(`memory mode: ${executor.memoryMode} under ${executor.memory.detail}`);
  const { engine } = await engineFor(t);
  const spec = fixtureSpec('provided-oom', { memoryMb: 128 });
  const req = request(spec);
  const result = await engine.invoke(spec, req);
  t.equal(result.outcome, 'crash');
  t.same(json(result.payload), {
    errorType: 'Runtime.OutOfMemory',
    errorMessage: `RequestId: ${req.requestId} Error: Runtime exited with error: signal: killed`,
  });
  t.ok(result.maxMemoryUsedMb >= 120 && result.maxMemoryUsedMb <= 129, `max memory used at the cap: ${result.maxMemoryUsedMb} MB`);
});

t.test('without cgroups, the RSS watcher kills a runtime over its memory → Runtime.OutOfMemory', async (t) => {
  const tmpRoot = t.testdir({});
  const engine = new ExecutionEngine({ executor: new ProcessExecutor({ memory: rssControl('forced by the test') }), tmpRoot });
  t.teardown(() => engine.shutdown());
  const spec = fixtureSpec('provided-oom', { memoryMb: 128 });
  const req = request(spec);
  const result = await engine.invoke(spec, req);
  t.equal(result.outcome, 'crash');
  t.same(json(result.payload), {
    errorType: 'Runtime.OutOfMemory',
    errorMessage: `RequestId: ${req.requestId} Error: Runtime exited with error: signal: killed`,
  });
  t.ok(result.maxMemoryUsedMb > 128, `VmHWM sampled over the cap: ${result.maxMemoryUsedMb} MB`);
});

t.test('ephemeral storage over the limit discards the environment after the invocation', async (t) => {
  const { engine } = await engineFor(t);
  const spec = fixtureSpec('provided-big', { ephemeralStorageMb: 1 });
  const result = await engine.invoke(spec, request(spec));
  t.equal(result.outcome, 'response-too-large', "the invocation's own result stands");
  t.ok(lines(result).some((l) => /MB in \/tmp exceeds EphemeralStorage 1 MB/.test(l)));
  t.match(engine.stats(), { 'provided-big:$LATEST': { environments: 0 } });
});
