// Every invocation leaves a metering record and its log lines in SQLite (DESIGN.md "State"), and
// they survive a restart: one row per invocation in `invocations`, the lines in `log_events` under
// the function's log group /aws/lambda/<name> and its environment's log stream.
import Database from 'better-sqlite3';
import { join } from 'node:path';
import t from 'tap';
import { deploy, invoke } from '../helpers/invoke.js';
import { startTestServer } from '../helpers/server.js';

interface InvocationRow {
  request_id: string;
  function_name: string;
  version: string;
  started_at_ms: number;
  duration_ms: number;
  billed_ms: number;
  memory_mb: number;
  max_memory_used_mb: number;
  init_duration_ms: number | null;
  outcome: string;
}

interface LogRow {
  log_group: string;
  log_stream: string;
  timestamp_ms: number;
  message: string;
}

const HANDLER = `
exports.handler = async (event, context) => {
  console.log('record me', event.n);
  if (event.fail) throw new Error('failed on purpose');
  return { requestId: context.awsRequestId, logStream: context.logStreamName };
};
`;

t.test('invocation records and log lines are in SQLite after a restart', async (t) => {
  const first = await startTestServer(t, {}, { keepData: true });
  const { lambda, dataDir } = first;
  await deploy(lambda, 'metered', { 'index.js': HANDLER }, { MemorySize: 256 });

  const startedMs = Date.now();
  const ok = [];
  for (let n = 1; n <= 3; n++) ok.push(await invoke(lambda, 'metered', { n }, { LogType: 'Tail' }));
  const failed = await invoke(lambda, 'metered', { n: 4, fail: true }, { LogType: 'Tail' });
  t.equal(failed.functionError, 'Unhandled');
  const failedId = /START RequestId: ([0-9a-f-]{36})/.exec(failed.log!)![1]!;
  const ids = [...ok.map((r) => r.body.requestId as string), failedId];
  await first.stop();

  const db = new Database(join(dataDir, 'lambdalite.db'), { readonly: true });
  t.teardown(() => db.close());
  const rows = db.prepare('SELECT * FROM invocations WHERE function_name = ? ORDER BY started_at_ms').all('metered') as InvocationRow[];
  t.equal(rows.length, 4, 'one row per invocation');
  t.same(rows.map((r) => r.request_id).sort(), [...ids].sort(), 'with the request ids the function saw');
  for (const row of rows) {
    t.equal(row.version, '$LATEST');
    t.equal(row.memory_mb, 256);
    t.ok(row.billed_ms >= 1 && row.billed_ms === Math.max(1, Math.ceil(row.duration_ms)), `billed ms ${row.billed_ms} ≥ 1, the duration rounded up`);
    t.ok(row.started_at_ms >= startedMs - 1000 && row.started_at_ms <= Date.now(), 'started_at_ms is the wall clock of the invoke');
    t.ok(row.max_memory_used_mb > 0, 'max memory used is recorded');
  }
  t.same(rows.map((r) => r.outcome), ['success', 'success', 'success', 'function-error']);
  t.ok(rows[0]!.init_duration_ms !== null && rows[0]!.init_duration_ms > 0, 'the cold start has its init duration');
  t.ok(rows.slice(1).every((r) => r.init_duration_ms === null), 'warm invokes have none');

  const logs = db.prepare('SELECT log_group, log_stream, timestamp_ms, message FROM log_events ORDER BY id').all() as LogRow[];
  t.ok(logs.length > 0, 'log lines were stored');
  t.ok(logs.every((l) => l.log_group === '/aws/lambda/metered'), 'all in the log group /aws/lambda/metered');
  t.ok(logs.every((l) => l.log_stream === ok[0]!.body.logStream), 'in the log stream the function saw (one warm environment)');
  for (const [i, id] of ids.entries()) {
    const messages = logs.map((l) => l.message);
    const start = messages.indexOf(`START RequestId: ${id} Version: $LATEST`);
    const end = messages.indexOf(`END RequestId: ${id}`);
    t.ok(start >= 0 && end > start, `START and END of invocation ${i + 1}`);
    t.ok(messages.slice(start, end).some((m) => m.endsWith(`\tINFO\trecord me ${i + 1}`)), `its console.log line ${i + 1} in between`);
    t.match(messages[end + 1], new RegExp(`^REPORT RequestId: ${id}\\tDuration: `), 'REPORT right after END');
  }
  t.ok(logs.some((l) => l.message.includes('failed on purpose')), 'the error record of the failed invocation');
  const times = logs.map((l) => l.timestamp_ms);
  t.ok(times.every((ms, i) => i === 0 || ms >= times[i - 1]!), 'timestamps never go back');
  db.close();

  // A second server on the same data directory: the records are still there, and it adds its own.
  const second = await startTestServer(t, { dataDir });
  const again = await invoke(second.lambda, 'metered', { n: 5 });
  t.equal(again.functionError, undefined, 'the function survived the restart and runs');
  await second.stop();
  const reopened = new Database(join(dataDir, 'lambdalite.db'), { readonly: true });
  t.teardown(() => reopened.close());
  const count = reopened.prepare('SELECT COUNT(*) AS n FROM invocations WHERE function_name = ?').get('metered') as { n: number };
  t.equal(count.n, 5, 'the four earlier rows and the new one');
});
