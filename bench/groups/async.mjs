// Asynchronous (Event) invokes end to end: wrk POSTs events for BENCH_SECONDS (each a committed
// record before its 202) and notes every accepted event's request id; the async workers run them
// on warm environments, and the handler appends its request id to a file. Events per second is
// the accepted events over the time from the first POST until the last of them is done; an
// accepted id missing from the handlers' files is lost, one there twice is duplicated.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULTS } from '../../dist/config.js';
import { invokePath, startLambdalite } from '../lib/lambdalite.mjs';
import { treeCpuSeconds } from '../lib/proc.mjs';
import { wrk } from '../lib/wrk.mjs';

const SENDERS = 32;
const STALL_MS = 30_000;
const APPENDER = {
  Runtime: 'nodejs20.x',
  Handler: 'index.handler',
  files: {
    'index.js': [
      `const fs = require('node:fs');
exports.handler = async (event, context) => {
  if (event.sleepMs) await new Promise((r) => setTimeout(r, event.sleepMs)); // warm-up only
  else fs.appendFileSync(process.env.OUT, context.awsRequestId + '\\n');
  return event;
};
`,
      0o644,
    ],
  },
};

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const readLines = (files) => files.flatMap((f) => (existsSync(f) ? readFileSync(f, 'utf8').split('\n').filter(Boolean) : []));

async function run(server, functions, seconds, progress) {
  const names = Array.from({ length: functions }, (_, f) => `async-${functions}-${f}`);
  const outs = names.map((name) => join(server.dataDir, `${name}.txt`));
  for (const [f, name] of names.entries()) {
    await server.createFunction(name, APPENDER, { Environment: { Variables: { OUT: outs[f] } } });
    progress(`async: warming ${DEFAULTS.asyncFunctionConcurrency} environments of ${name}`);
    await server.warm(name, DEFAULTS.asyncFunctionConcurrency);
  }
  progress(`async: events for ${seconds} s over ${functions} function(s)`);
  const idsFile = join(server.dataDir, `accepted-${functions}.txt`);
  const cpu0 = treeCpuSeconds(server.pid);
  const t0 = performance.now();
  const sent = await wrk({
    url: server.url,
    connections: SENDERS,
    seconds,
    cpuPid: server.pid,
    warmup: false,
    env: { EVENT_PATHS: names.map(invokePath).join(','), EVENT_IDS: idsFile },
  });
  const acceptedMs = performance.now() - t0;
  const accepted = new Set(readLines([idsFile]));
  // The handlers write the same lines as wrk did (a request id and a newline each), so the
  // outputs are at least as long as the ids file once every accepted event has run: until then
  // this polls sizes, not contents, to keep its CPU from the server while the queue drains. They
  // can be that long sooner: an event whose 202 wrk did not see (in flight when its run ended)
  // runs too, so the contents decide.
  const target = statSync(idsFile).size;
  const written = () => outs.reduce((sum, f) => sum + (existsSync(f) ? statSync(f).size : 0), 0);
  const allDone = () => {
    const seen = new Set(readLines(outs));
    return [...accepted].every((id) => seen.has(id));
  };
  let finishedMs = 0;
  for (let last = -1, lastChange = performance.now(); ; await sleep(10)) {
    const bytes = written();
    finishedMs = performance.now() - t0;
    if (bytes >= target && allDone()) break;
    if (bytes !== last) [last, lastChange] = [bytes, performance.now()];
    else if (performance.now() - lastChange > STALL_MS) break;
  }
  const done = readLines(outs);
  const cpuSeconds = treeCpuSeconds(server.pid) - cpu0;
  const seen = new Set(done);
  const lost = [...accepted].filter((id) => !seen.has(id)).length;
  return { sent, accepted: accepted.size, acceptedMs, finishedMs, cpuSeconds, lost, duplicates: done.length - seen.size };
}

export async function asyncEvents({ report, seconds, progress }) {
  const server = await startLambdalite();
  try {
    for (const functions of [1, 4]) {
      const r = await run(server, functions, seconds, progress);
      report.add({
        case: `async events end to end, ${functions} function${functions > 1 ? 's' : ''}`,
        c: SENDERS,
        perSecond: r.accepted / (r.finishedMs / 1000),
        cpuPer1k: r.cpuSeconds / (r.accepted / 1000),
        other: `accepted ${Math.round(r.accepted / (r.acceptedMs / 1000))}/s; lost ${r.lost}, duplicated ${r.duplicates}`,
        source: report.source([
          `${server.command} (async workers ${DEFAULTS.asyncWorkers}, per function ${DEFAULTS.asyncFunctionConcurrency}); ` +
            `${functions} Node.js function(s), ${DEFAULTS.asyncFunctionConcurrency} warm environments each`,
          `\`${r.sent.command}\`: ${SENDERS} connections POST {"i":n} with X-Amz-Invocation-Type: Event, round-robin over the ` +
            `functions, and note each 202's request id; the handler appends its request id to a file; timed from the first POST ` +
            `until every accepted id is in the files (polled every 10 ms)`,
          `${r.accepted} accepted in ${r.acceptedMs.toFixed(0)} ms, all done after ${r.finishedMs.toFixed(0)} ms; server tree CPU ` +
            `${r.cpuSeconds.toFixed(2)} s; wrk: ${r.sent.summary}`,
        ]),
      });
    }
  } finally {
    await server.stop();
  }
}
