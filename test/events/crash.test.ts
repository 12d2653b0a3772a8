// An event answered 202 is never lost: the server (the compiled dist/cli.js, as users run it) is
// killed with SIGKILL while it works through 200 queued events, started again on the same data
// directory, and every event runs at least once; a failing event keeps its retry count and its
// schedule across the crash.
import { PutFunctionEventInvokeConfigCommand } from '@aws-sdk/client-lambda';
import Database from 'better-sqlite3';
import { spawn, type ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { clientFor, tempDir } from '../helpers/server.js';
import { deployRecorder, invokeEvent, outFile, runs, sleep, waitFor } from './helpers.js';

const CLI = new URL('../../dist/cli.js', import.meta.url).pathname;
const EVENTS = 200;
const RETRY_DELAY_MS = 4000;

interface Running {
  readonly child: ChildProcess;
  readonly url: string;
  readonly output: () => string;
}

async function startCli(dataDir: string): Promise<Running> {
  const child = spawn(process.execPath, [
    CLI, '--port', '0', '--data-dir', dataDir,
    '--async-function-concurrency', '4', '--async-retry-delay-ms', String(RETRY_DELAY_MS),
  ], { env: { ...process.env, LAMBDALITE_LOG_LEVEL: 'info' }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (out += c.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    const onData = () => {
      const m = /"url":"(http:\/\/[^"]+)"/.exec(out);
      if (m) resolve(m[1]!);
    };
    child.stdout!.on('data', onData);
    child.once('exit', (code) => reject(new Error(`lambdalite exited with ${code}: ${out}`)));
  });
  return { child, url, output: () => out };
}

function kill(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  });
}

t.test('SIGKILL mid-queue: after a restart every accepted event has run', async (t) => {
  const dataDir = tempDir();
  const recorded = outFile(t, 'recorded.jsonl');
  const failing = outFile(t, 'failing.jsonl');
  t.teardown(() => rmSync(dataDir, { recursive: true, force: true }));

  const first = await startCli(dataDir);
  t.teardown(() => kill(first.child));
  const lambda = clientFor(first.url);
  await deployRecorder(lambda, 'recorder', recorded);
  await deployRecorder(lambda, 'failing', failing, { env: { ALWAYS_FAIL: '1' } });
  await lambda.send(new PutFunctionEventInvokeConfigCommand({ FunctionName: 'failing', MaximumRetryAttempts: 2 }));

  const acceptingMs = Date.now();
  const retried = await invokeEvent(lambda, 'failing', { id: 'retried' });
  const acceptedMs = Date.now();
  const ids = Array.from({ length: EVENTS }, (_, i) => `event-${i}`);
  for (let i = 0; i < ids.length; i += 25) {
    const batch = await Promise.all(ids.slice(i, i + 25).map((id) => invokeEvent(lambda, 'recorder', { id, sleepMs: 30 })));
    t.ok(batch.every((r) => r.StatusCode === 202), `events ${i}..${i + batch.length - 1} accepted`);
  }
  await waitFor('40 events and the first failing run', () => runs(recorded).length >= 40 && runs(failing).length === 1);
  const killedMs = Date.now();
  await kill(first.child);
  lambda.destroy();
  const beforeCrash = runs(recorded).length;
  t.ok(beforeCrash < EVENTS, `killed mid-way: ${beforeCrash} of ${EVENTS} runs had started`);
  t.equal(runs(failing).length, 1, 'the failing event had run once');
  // What the dead server left in its queue: the failing event with one run counted, aged from
  // its acceptance.
  const db = new Database(join(dataDir, 'lambdalite.db'));
  const row = db.prepare('SELECT attempts, enqueued_at_ms FROM async_events WHERE request_id = ?')
    .get(retried.$metadata.requestId) as { attempts: number; enqueued_at_ms: number } | undefined;
  db.close();
  t.equal(row?.attempts, 1, 'the queue row counts the run');
  t.ok(row && row.enqueued_at_ms >= acceptingMs && row.enqueued_at_ms <= acceptedMs, 'its age counts from the 202');

  await sleep(500);
  const second = await startCli(dataDir);
  const restartedMs = Date.now();
  t.teardown(() => kill(second.child));
  const all = await waitFor('every event to have run', () => {
    const seen = new Set(runs(recorded).map((r) => r.event.id as string));
    return ids.every((id) => seen.has(id)) && seen;
  }, 60_000);
  t.equal(all.size, EVENTS, 'every accepted event ran at least once');
  const total = runs(recorded).length;
  t.comment(`${total - EVENTS} event(s) ran twice: the ones running at the crash`);
  t.ok(total - EVENTS <= 8, 'only events running at the crash ran again');

  const failed = await waitFor('the two retries', () => runs(failing).length === 3 && runs(failing), 40_000);
  await sleep(1000);
  t.equal(runs(failing).length, 3, 'MaximumRetryAttempts 2 still means 3 runs in all: the crash did not reset the count');
  // Due 4 s after the first run: at once if that passed during the outage, not 4 s after the restart.
  const afterRestartMs = failed[1]!.atMs - restartedMs;
  t.comment(`first run at 0, killed at ${killedMs - failed[0]!.atMs}, restarted at ${restartedMs - failed[0]!.atMs}, retries at ${failed[1]!.atMs - failed[0]!.atMs} and ${failed[2]!.atMs - failed[0]!.atMs}`);
  t.ok(afterRestartMs < RETRY_DELAY_MS - 200, `the first retry kept its due time across the restart (${afterRestartMs} ms after it)`);
  t.ok(failed[2]!.atMs - failed[1]!.atMs >= 2 * RETRY_DELAY_MS, 'the second retry waited twice the delay');
  await kill(second.child);
});
