// The engine with the real process executor and provided.al2023 fixtures: retirement, changed
// configurations and shutdown (round trips, warm reuse, scale-out and reaping are in the shared
// table, invoke-cases.ts, run on every executor).
import { readdirSync, readFileSync } from 'node:fs';
import t from 'tap';
import { engineFor, fixtureSpec, isAlive, json, request, waitUntilGone } from './helpers.js';

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
