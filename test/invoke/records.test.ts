// Every invocation leaves a metering record and its log lines in SQLite (DESIGN.md "State"), and
// they survive a restart: one row per invocation in `invocations`, the lines in `log_events` under
// the function's log group /aws/lambda/<name> and its environment's log stream.
import Database from 'better-sqlite3';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import t from 'tap';
import { deploy, invoke } from '../helpers/invoke.js';
import { startTestServer } from '../helpers/server.js';
import { openDatabase } from '../../src/db.js';
import { RecordWriter } from '../../src/invoke/records.js';

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
    // Billed is the duration REPORT prints (to 1/100 ms) rounded up: 3.002 ms prints 3.00 and bills 3.
    const printedMs = Math.round(row.duration_ms * 100) / 100;
    t.ok(row.billed_ms >= 1 && row.billed_ms === Math.max(1, Math.ceil(printedMs)), `billed ms ${row.billed_ms} ≥ 1, the duration rounded up`);
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

t.test('migration 008 keeps the records of an older data directory, each run its own row', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'lambdalite-008-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, 'lambdalite.db');
  const old = new Database(file);
  const migrations = fileURLToPath(new URL('../../migrations/', import.meta.url));
  old.exec('CREATE TABLE schema_migrations (id TEXT PRIMARY KEY, applied_at TEXT NOT NULL)');
  for (const name of readdirSync(migrations).filter((f) => f < '008').sort()) {
    old.exec(readFileSync(join(migrations, name), 'utf8'));
    old.prepare("INSERT INTO schema_migrations VALUES (?, 'then')").run(name);
  }
  old.exec(`INSERT INTO invocations VALUES ('r1', 'f', '$LATEST', 1000, 1.5, 2, 128, 40, 80.25, 'success'),
                                          ('r2', 'f', '1', 2000, 3, 3, 256, 50, NULL, 'function-error');
            INSERT INTO log_events (log_group, log_stream, timestamp_ms, message) VALUES
              ('/aws/lambda/f', 's1', 1000, 'START RequestId: r1'), ('/aws/lambda/f', 's2', 2000, 'START RequestId: r2'),
              ('/aws/lambda/f', 's1', 1001, 'END RequestId: r1');`);
  old.close();

  const db = openDatabase(file); // applies 008 only
  t.teardown(() => db.close());
  t.same(db.prepare('SELECT request_id, version, started_at_ms, init_duration_ms, outcome FROM invocations ORDER BY id').all(), [
    { request_id: 'r1', version: '$LATEST', started_at_ms: 1000, init_duration_ms: 80.25, outcome: 'success' },
    { request_id: 'r2', version: '1', started_at_ms: 2000, init_duration_ms: null, outcome: 'function-error' },
  ]);
  t.same(db.prepare('SELECT log_group, log_stream, timestamp_ms, message FROM log_events ORDER BY id').all(), [
    { log_group: '/aws/lambda/f', log_stream: 's1', timestamp_ms: 1000, message: 'START RequestId: r1' },
    { log_group: '/aws/lambda/f', log_stream: 's2', timestamp_ms: 2000, message: 'START RequestId: r2' },
    { log_group: '/aws/lambda/f', log_stream: 's1', timestamp_ms: 1001, message: 'END RequestId: r1' },
  ], 'every line, in its stream, in order');
  t.equal(db.prepare('SELECT COUNT(*) FROM log_streams').pluck().get(), 2, 'one row per stream');

  const writer = new RecordWriter(db);
  const run = { requestId: 'r2', functionName: 'f', version: '1', startedAtMs: 3000, durationMs: 1, billedMs: 1, memoryMb: 256, maxMemoryUsedMb: 50, initDurationMs: undefined, outcome: 'success' };
  writer.add(run, [{ logGroup: '/aws/lambda/f', logStream: 's2', timestampMs: 3000, message: 'START RequestId: r2' }]);
  writer.add(run, [{ logGroup: '/aws/lambda/f', logStream: 's3', timestampMs: 3001, message: 'START RequestId: r2' }]);
  writer.close();
  t.equal(db.prepare("SELECT COUNT(*) FROM invocations WHERE request_id = 'r2'").pluck().get(), 3, 'a run with a known request id is a row of its own');
  t.same(db.prepare("SELECT log_stream FROM log_events WHERE timestamp_ms >= 3000 ORDER BY id").pluck().all(), ['s2', 's3'], 'known and new streams');
  t.equal(db.prepare('SELECT COUNT(*) FROM log_streams').pluck().get(), 3);
});
