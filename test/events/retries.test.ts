// Retries of failed async events, counted in runs of the handler ("How Lambda handles errors and
// retries with asynchronous invocation"): MaximumRetryAttempts 2 (the default) means 3 runs, 0 means
// one; the second retry waits twice as long as the first; a throttled event is not a failed one.
import { InvokeCommand, PutFunctionConcurrencyCommand, PutFunctionEventInvokeConfigCommand } from '@aws-sdk/client-lambda';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import t from 'tap';
import { startTestServer } from '../helpers/server.js';
import { deployRecorder, invokeEvent, outFile, runs, sleep, waitFor } from './helpers.js';

const DELAY_MS = 300;

t.test('a failing event runs 1 + MaximumRetryAttempts times, with the configured delays', async (t) => {
  const { lambda, dataDir } = await startTestServer(t, { asyncRetryDelayMs: DELAY_MS });
  const two = outFile(t, 'two.jsonl');
  const zero = outFile(t, 'zero.jsonl');
  const byDefault = outFile(t, 'default.jsonl');
  await deployRecorder(lambda, 'retry-two', two);
  await deployRecorder(lambda, 'retry-zero', zero);
  await deployRecorder(lambda, 'retry-default', byDefault);
  await lambda.send(new PutFunctionEventInvokeConfigCommand({ FunctionName: 'retry-two', MaximumRetryAttempts: 2 }));
  await lambda.send(new PutFunctionEventInvokeConfigCommand({ FunctionName: 'retry-zero', MaximumRetryAttempts: 0 }));

  const accepted = await invokeEvent(lambda, 'retry-two', { id: 'two', fail: true });
  await invokeEvent(lambda, 'retry-zero', { id: 'zero', fail: true });
  await invokeEvent(lambda, 'retry-default', { id: 'default', fail: true });

  const twoRuns = await waitFor('3 runs with MaximumRetryAttempts 2', () => runs(two).length >= 3 && runs(two));
  const defaultRuns = await waitFor('3 runs with no configuration', () => runs(byDefault).length >= 3 && runs(byDefault));
  await sleep(6 * DELAY_MS); // long enough for a 4th run, had there been one
  t.equal(runs(two).length, 3, 'MaximumRetryAttempts 2: the first run and two retries');
  t.equal(runs(byDefault).length, 3, 'no configuration: AWS\'s default of 2 retries');
  t.equal(runs(zero).length, 1, 'MaximumRetryAttempts 0: a single run');

  t.same(new Set(twoRuns.map((r) => r.requestId)), new Set([accepted.$metadata.requestId]), 'every retry keeps the request id');
  const [first, second, third] = twoRuns.map((r) => r.atMs);
  const gap1 = second! - first!;
  const gap2 = third! - second!;
  t.ok(gap1 >= DELAY_MS, `the first retry waits the configured delay (${gap1} ms)`);
  t.ok(gap2 >= 2 * DELAY_MS, `the second waits twice as long (${gap2} ms)`);
  t.ok(defaultRuns.every((r) => r.event.id === 'default'));

  // Each run is metered, as AWS bills each: one invocation record per run, all with the same id.
  const db = new Database(join(dataDir, 'lambdalite.db'), { readonly: true });
  t.teardown(() => db.close());
  const metered = db.prepare("SELECT request_id AS id FROM invocations WHERE function_name = 'retry-two'").pluck();
  const ids = await waitFor('3 invocation records', () => metered.all().length >= 3 && (metered.all() as string[]));
  t.same(ids, [accepted.$metadata.requestId, accepted.$metadata.requestId, accepted.$metadata.requestId]);
});

t.test('a successful event runs once', async (t) => {
  const { lambda } = await startTestServer(t, { asyncRetryDelayMs: DELAY_MS });
  const out = outFile(t);
  await deployRecorder(lambda, 'fine', out);
  await invokeEvent(lambda, 'fine', { id: 'once' });
  await waitFor('the run', () => runs(out).length === 1);
  await sleep(4 * DELAY_MS);
  t.equal(runs(out).length, 1);
});

t.test('a throttled event waits for a free slot and then runs once (throttles are not retries)', async (t) => {
  const { lambda } = await startTestServer(t, { asyncRetryDelayMs: DELAY_MS });
  const out = outFile(t);
  await deployRecorder(lambda, 'narrow', out);
  await lambda.send(new PutFunctionConcurrencyCommand({ FunctionName: 'narrow', ReservedConcurrentExecutions: 1 }));
  await lambda.send(new PutFunctionEventInvokeConfigCommand({ FunctionName: 'narrow', MaximumRetryAttempts: 0 }));

  // A synchronous invoke holds the only slot for 2.5 s.
  const holding = lambda.send(new InvokeCommand({ FunctionName: 'narrow', Payload: Buffer.from(JSON.stringify({ id: 'sync', sleepMs: 2500 })) }));
  await waitFor('the synchronous run to start', () => runs(out).length === 1);
  await invokeEvent(lambda, 'narrow', { id: 'queued' });
  await sleep(1500);
  t.same(runs(out).map((r) => r.event.id), ['sync'], 'the event does not run while the slot is taken');
  await holding;
  const seen = await waitFor('the queued run', () => runs(out).length === 2 && runs(out));
  t.equal(seen[1]!.event.id, 'queued', 'it ran once the slot was free, though MaximumRetryAttempts is 0');
  await sleep(1000);
  t.equal(runs(out).length, 2, 'and only once');
});
