// The engine with the real process executor and provided.al2023 fixtures: round trips, warm reuse,
// scale-out, reaping and shutdown.
import { readdirSync, readFileSync } from 'node:fs';
import t from 'tap';
import { engineFor, fixtureSpec, isAlive, json, lines, request, waitUntilGone } from './helpers.js';

t.test('echo round trip: payload back, every /next header, logs, metering fields', async (t) => {
  const { engine } = await engineFor(t);
  const spec = fixtureSpec('provided-echo');
  const req = { ...request(spec, { hello: 'world' }), clientContext: '{"client":{"app_title":"t"}}' };
  const before = Date.now();
  const result = await engine.invoke(spec, req);
  t.equal(result.outcome, 'success');
  t.same(json(result.payload), { hello: 'world' });
  const log = lines(result);
  t.ok(log.some((l) => l.startsWith('echo runtime starting in ')), 'init output goes with the cold start');
  const header = (name: string): string | undefined =>
    log.find((l) => l.toLowerCase().startsWith(`header ${name.toLowerCase()}=`))?.split('=').slice(1).join('=');
  t.equal(header('Lambda-Runtime-Aws-Request-Id'), req.requestId);
  t.equal(header('Lambda-Runtime-Invoked-Function-Arn'), spec.functionArn);
  t.equal(header('Lambda-Runtime-Trace-Id'), req.traceId);
  t.equal(header('Lambda-Runtime-Client-Context'), req.clientContext);
  t.equal(header('Content-Type'), 'application/json');
  const deadline = Number(header('Lambda-Runtime-Deadline-Ms'));
  t.ok(deadline >= before + 3000 && deadline <= Date.now() + 3000, 'deadline is now + timeout, in epoch ms');
  t.type(result.initDurationMs, 'number', 'a cold start reports its init duration');
  t.ok(result.durationMs >= 0 && result.durationMs < 3000);
  t.match(result.logStreamName, /^\d{4}\/\d{2}\/\d{2}\/\[\$LATEST\][0-9a-f]{32}$/);
  t.ok(result.maxMemoryUsedMb > 0, `max memory used is measured (${result.maxMemoryUsedMb} MB)`);
});

t.test('warm reuse: two sequential invokes share one environment', async (t) => {
  const { engine } = await engineFor(t);
  const spec = fixtureSpec('provided-echo');
  const first = await engine.invoke(spec, request(spec, { n: 1 }));
  const second = await engine.invoke(spec, request(spec, { n: 2 }));
  t.same(json(second.payload), { n: 2 });
  t.type(first.initDurationMs, 'number');
  t.equal(second.initDurationMs, undefined, 'a warm invoke has no init duration');
  t.equal(first.logStreamName, second.logStreamName, 'same environment, same log stream');
  t.notOk(lines(second).some((l) => l.startsWith('echo runtime starting')), 'no init output on a warm invoke');
  t.match(engine.stats(), { 'provided-echo:$LATEST': { environments: 1, idle: 1, busy: 0 } });
});

t.test('scale-out: 5 concurrent slow invokes run in 5 environments', async (t) => {
  const { engine } = await engineFor(t);
  const spec = fixtureSpec('provided-echo', { environment: { ECHO_DELAY: '1' } });
  const results = await Promise.all([0, 1, 2, 3, 4].map((n) => engine.invoke(spec, request(spec, { n }))));
  t.same(results.map((r) => json(r.payload)), [0, 1, 2, 3, 4].map((n) => ({ n })));
  t.equal(new Set(results.map((r) => r.logStreamName)).size, 5, 'five log streams');
  t.match(engine.stats(), { 'provided-echo:$LATEST': { environments: 5, idle: 5 } });
});

t.test('idle environments are reaped after keepAliveMs', async (t) => {
  const { engine } = await engineFor(t, 200);
  const spec = fixtureSpec('provided-echo');
  await engine.invoke(spec, request(spec));
  t.match(engine.stats(), { 'provided-echo:$LATEST': { environments: 1 } });
  await new Promise((r) => setTimeout(r, 800));
  t.match(engine.stats(), { 'provided-echo:$LATEST': { environments: 0, stopping: 0 } }, 'reaped and gone');
  const again = await engine.invoke(spec, request(spec));
  t.type(again.initDurationMs, 'number', 'the next invoke is a cold start');
});

t.test('retire stops idle environments; the next invoke starts a fresh one', async (t) => {
  const { engine } = await engineFor(t);
  const spec = fixtureSpec('provided-echo');
  const first = await engine.invoke(spec, request(spec));
  await engine.retire('provided-echo');
  t.same(engine.stats(), {});
  const second = await engine.invoke(spec, request(spec));
  t.not(second.logStreamName, first.logStreamName);
  t.type(second.initDurationMs, 'number');
});

t.test('a changed configuration never runs on an old environment', async (t) => {
  const { engine } = await engineFor(t);
  const spec = fixtureSpec('provided-envdump');
  const first = await engine.invoke(spec, request(spec));
  const changed = fixtureSpec('provided-envdump', { environment: { STAGE: 'two' } });
  const second = await engine.invoke(changed, request(changed));
  t.not(second.logStreamName, first.logStreamName);
  t.match(json(second.payload), { STAGE: 'two' });
});

t.test('shutdown leaves no runtime process alive, busy ones included', async (t) => {
  const { engine, tmpRoot } = await engineFor(t);
  const echo = fixtureSpec('provided-echo');
  const slow = fixtureSpec('provided-sleep', { timeoutSeconds: 30 });
  await engine.invoke(echo, request(echo));
  const inFlight = engine.invoke(slow, request(slow));
  await new Promise((r) => setTimeout(r, 500));
  const pids = runtimePids(tmpRoot);
  t.ok(pids.length >= 2, `runtime processes found: ${pids.join(', ')}`);
  await engine.shutdown();
  t.ok(pids.every((pid) => !isAlive(pid)), 'every runtime process is gone when shutdown resolves');
  const result = await inFlight;
  t.equal(result.outcome, 'crash', 'the busy invocation ends as a crash');
  await t.rejects(engine.invoke(echo, request(echo)), /shut down/);
  for (const pid of pids) t.ok(await waitUntilGone(pid, 100));
});

/** PIDs of every process of this engine: their TMPDIR is under its temp root. */
function runtimePids(tmpRoot: string): number[] {
  return readdirSync('/proc')
    .filter((d) => /^\d+$/.test(d))
    .map(Number)
    .filter((pid) => {
      try {
        return readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0').some((v) => v.startsWith(`TMPDIR=${tmpRoot}/`));
      } catch {
        return false;
      }
    })
    .filter(isAlive);
}
