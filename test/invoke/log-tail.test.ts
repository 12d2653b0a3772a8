// LogType Tail through the official SDK: LogResult is the base64 of the invocation's last 4 KB of
// log, the function's own lines between START and END, then REPORT with the metering fields
// ("Using Lambda with CloudWatch Logs"; Invoke's X-Amz-Log-Result in the API reference).
import t from 'tap';
import { deploy, invoke } from '../helpers/invoke.js';
import { startTestServer } from '../helpers/server.js';

const LOGGING = `
console.log('init line');
exports.handler = async (event) => {
  console.log('hello from', event.name);
  if (event.lines) for (let i = 0; i < event.lines; i++) console.log('filler line ' + i + ' ' + 'x'.repeat(100));
  return 'ok';
};
`;

const REPORT = (id: string) =>
  new RegExp(
    `^REPORT RequestId: ${id}\\tDuration: (\\d+\\.\\d{2}) ms\\tBilled Duration: (\\d+) ms\\tMemory Size: 128 MB\\tMax Memory Used: (\\d+) MB(\\tInit Duration: (\\d+\\.\\d{2}) ms)?$`,
  );

t.test('LogType Tail: the function\'s log line between START and END, then REPORT; Init Duration on the cold start only', async (t) => {
  const { lambda } = await startTestServer(t);
  await deploy(lambda, 'tail', { 'index.js': LOGGING });

  const cold = await invoke(lambda, 'tail', { name: 'ada' }, { LogType: 'Tail' });
  t.equal(cold.status, 200);
  t.equal(cold.text, '"ok"');
  t.ok(cold.log, 'LogResult is there');
  const lines = cold.log!.split('\n');
  t.equal(lines.at(-1), '', 'the log ends with a newline');
  const id = /^START RequestId: ([0-9a-f-]{36}) Version: \$LATEST$/.exec(lines[0]!)?.[1];
  t.ok(id, `the first line is START RequestId: <id> Version: $LATEST (${lines[0]})`);
  t.equal(cold.requestId, id, 'the response\'s x-amzn-RequestId is the invocation\'s request id');
  const end = lines.indexOf(`END RequestId: ${id}`);
  t.ok(end > 0, 'an END line for the same request id');
  const own = lines.slice(1, end);
  t.ok(lines.some((l) => l.endsWith('\tINFO\tinit line')), 'the init output is in the cold start\'s log');
  const hello = own.find((l) => l.endsWith('\tINFO\thello from ada'));
  t.ok(hello, 'the console.log line is between START and END');
  t.match(hello, new RegExp(`^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{3}Z\\t${id}\\tINFO\\thello from ada$`), 'in the Node.js runtime\'s format');

  const report = REPORT(id!).exec(lines[end + 1]!);
  t.ok(report, `a REPORT line follows END (${lines[end + 1]})`);
  const [, durationMs, billedMs, maxUsedMb, , initMs] = report ?? [];
  t.ok(Number(billedMs) >= 1 && Number(billedMs) === Math.max(1, Math.ceil(Number(durationMs))), 'billed duration is the duration rounded up to 1 ms');
  t.ok(Number(maxUsedMb) > 0 && Number(maxUsedMb) <= 128, `max memory used is measured (${maxUsedMb} MB)`);
  t.ok(initMs !== undefined && Number(initMs) > 0, 'the cold start reports its Init Duration');
  t.equal(end + 3, lines.length, 'nothing after REPORT');

  const warm = await invoke(lambda, 'tail', { name: 'bob' }, { LogType: 'Tail' });
  const warmLines = warm.log!.split('\n');
  const warmId = /^START RequestId: ([0-9a-f-]{36}) Version: \$LATEST$/.exec(warmLines[0]!)?.[1];
  t.ok(warmId && warmId !== id, 'a new request id');
  t.equal(warm.requestId, warmId, 'again the response\'s x-amzn-RequestId');
  t.ok(warmLines.some((l) => l.endsWith('\tINFO\thello from bob')));
  t.notOk(warmLines.some((l) => l.includes('init line')), 'no init output on a warm invoke');
  t.ok(warmLines.includes(`END RequestId: ${warmId}`));
  const warmReport = REPORT(warmId!).exec(warmLines.at(-2)!);
  t.ok(warmReport, 'a REPORT line');
  t.equal(warmReport?.[4], undefined, 'no Init Duration on a warm invoke');

  const none = await invoke(lambda, 'tail', { name: 'cy' });
  t.equal(none.log, undefined, 'no LogResult without LogType Tail');
  const explicitNone = await invoke(lambda, 'tail', { name: 'cy' }, { LogType: 'None' });
  t.equal(explicitNone.log, undefined, 'nor with LogType None');
});

t.test('LogResult holds the last 4 KB of a long log: the REPORT line is always there', async (t) => {
  const { lambda } = await startTestServer(t);
  await deploy(lambda, 'chatty', { 'index.js': LOGGING });
  const res = await invoke(lambda, 'chatty', { name: 'long', lines: 200 }, { LogType: 'Tail' });
  t.ok(Buffer.byteLength(res.log!) <= 4096, `at most 4 KB (${Buffer.byteLength(res.log!)} bytes)`);
  t.ok(Buffer.byteLength(res.log!) > 4000, 'and close to it');
  t.match(res.log, /filler line 199 x+\nEND RequestId: [0-9a-f-]{36}\nREPORT RequestId: /, 'the end of the log is kept');
  t.notOk(res.log!.includes('START RequestId'), 'the start of the log is cut');
});

t.test('a failed invocation has its log too, with the error record', async (t) => {
  const { lambda } = await startTestServer(t);
  await deploy(lambda, 'failing-tail', { 'index.js': 'exports.handler = async () => { console.log("about to fail"); throw new Error("boom"); };' });
  const res = await invoke(lambda, 'failing-tail', {}, { LogType: 'Tail' });
  t.equal(res.functionError, 'Unhandled');
  t.match(res.log, /\tINFO\tabout to fail\n/);
  t.match(res.log, /\tERROR\tInvoke Error \t\{"errorType":"Error","errorMessage":"boom"/, 'the runtime logs the error as on AWS');
  t.match(res.log, /\nEND RequestId: [0-9a-f-]{36}\nREPORT RequestId: [^\n]+\n$/);
});
