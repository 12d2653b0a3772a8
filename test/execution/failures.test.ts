// What AWS returns when the platform ends an invocation, for what only the process executor shows:
// bootstrap checks, unsupported runtimes, oversized responses, the RSS watcher, ephemeral storage.
// Timeouts, crashes, init errors and the cgroup memory limit are in the shared table
// (invoke-cases.ts), run on every executor.
import t from 'tap';
import { ExecutionEngine } from '../../src/execution/engine.js';
import { rssControl } from '../../src/execution/memory-control.js';
import { ProcessExecutor } from '../../src/execution/process-executor.js';
import { engineFor, fixtureSpec, json, lines, request } from './helpers.js';

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
