// One slow function must not starve the others: no function holds more than
// --async-function-concurrency of the --async-workers, so a backlog of slow events leaves room for
// the events of other functions.
import t from 'tap';
import { startTestServer } from '../helpers/server.js';
import { deployRecorder, invokeEvent, outFile, runs, waitFor } from './helpers.js';

t.test('a backlog of slow events does not hold up another function', async (t) => {
  const { lambda } = await startTestServer(t, { asyncWorkers: 4, asyncFunctionConcurrency: 2 });
  const slow = outFile(t, 'slow.jsonl');
  const fast = outFile(t, 'fast.jsonl');
  await deployRecorder(lambda, 'slow', slow);
  await deployRecorder(lambda, 'fast', fast);

  for (let i = 0; i < 10; i++) await invokeEvent(lambda, 'slow', { id: `slow-${i}`, sleepMs: 4000 });
  await waitFor('two slow runs', () => runs(slow).length === 2);
  const queuedMs = Date.now();
  await invokeEvent(lambda, 'fast', { id: 'fast' });
  const [run] = await waitFor('the fast run', () => runs(fast).length === 1 && runs(fast));
  t.ok(run!.atMs - queuedMs < 3000, `the other function's event ran while the slow ones still ran (${run!.atMs - queuedMs} ms)`);
  t.equal(runs(slow).length, 2, 'the slow function never ran more than its share at once');
});
