// Asynchronous (Event) invokes end to end: EVENTS events accepted over HTTP (each a committed
// record before its 202) by SENDERS concurrent clients, run by the async workers on warm
// environments, until the last handler is done. The handler appends the event's number to a
// file, so "done" is every number there; lost and duplicated events are counted too.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULTS } from '../../dist/config.js';
import { invokePath, startLambdalite } from '../lib/lambdalite.mjs';
import { treeCpuSeconds } from '../lib/proc.mjs';

const EVENTS = 2000;
const SENDERS = 32;
const STALL_MS = 30_000;
const APPENDER = {
  Runtime: 'nodejs20.x',
  Handler: 'index.handler',
  files: {
    'index.js': [
      `const fs = require('node:fs');
exports.handler = async (event) => {
  if (event.sleepMs) await new Promise((r) => setTimeout(r, event.sleepMs)); // warm-up only
  else fs.appendFileSync(process.env.OUT, event.i + '\\n');
  return event;
};
`,
      0o644,
    ],
  },
};

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const readNumbers = (files) =>
  files.flatMap((f) => (existsSync(f) ? readFileSync(f, 'utf8').split('\n').filter(Boolean).map(Number) : []));

async function run(server, functions, progress) {
  const names = Array.from({ length: functions }, (_, f) => `async-${functions}-${f}`);
  const outs = names.map((name) => join(server.dataDir, `${name}.txt`));
  for (const [f, name] of names.entries()) {
    await server.createFunction(name, APPENDER, { Environment: { Variables: { OUT: outs[f] } } });
    progress(`async: warming ${DEFAULTS.asyncFunctionConcurrency} environments of ${name}`);
    await server.warm(name, DEFAULTS.asyncFunctionConcurrency);
  }
  progress(`async: ${EVENTS} events over ${functions} function(s)`);
  const cpu0 = treeCpuSeconds(server.pid);
  const t0 = performance.now();
  let next = 0;
  const sender = async () => {
    while (next < EVENTS) {
      const i = next++;
      const res = await server.api('POST', invokePath(names[i % functions]), { i }, { 'x-amz-invocation-type': 'Event' });
      if (res.status !== 202) throw new Error(`event ${i}: status ${res.status}`);
    }
  };
  await Promise.all(Array.from({ length: SENDERS }, sender));
  const acceptedMs = performance.now() - t0;
  let done = [];
  for (let last = 0, lastChange = performance.now(); ; await sleep(10)) {
    done = readNumbers(outs);
    if (done.length >= EVENTS) break;
    if (done.length !== last) [last, lastChange] = [done.length, performance.now()];
    else if (performance.now() - lastChange > STALL_MS) break;
  }
  const finishedMs = performance.now() - t0;
  const cpuSeconds = treeCpuSeconds(server.pid) - cpu0;
  const distinct = new Set(done).size;
  return { acceptedMs, finishedMs, cpuSeconds, lost: EVENTS - distinct, duplicates: done.length - distinct };
}

export async function asyncEvents({ report, progress }) {
  const server = await startLambdalite();
  try {
    for (const functions of [1, 4]) {
      const r = await run(server, functions, progress);
      report.add({
        case: `async events end to end, ${functions} function${functions > 1 ? 's' : ''}`,
        c: SENDERS,
        perSecond: EVENTS / (r.finishedMs / 1000),
        cpuPer1k: r.cpuSeconds / (EVENTS / 1000),
        other: `accepted ${Math.round(EVENTS / (r.acceptedMs / 1000))}/s; lost ${r.lost}, duplicated ${r.duplicates}`,
        source: report.source([
          `${server.command} (async workers ${DEFAULTS.asyncWorkers}, per function ${DEFAULTS.asyncFunctionConcurrency}); ` +
            `${functions} Node.js function(s), ${DEFAULTS.asyncFunctionConcurrency} warm environments each`,
          `${SENDERS} fetch clients POST ${EVENTS} events {"i":n} with X-Amz-Invocation-Type: Event, round-robin over the functions; ` +
            `the handler appends n to a file; timed from the first POST until every n is in the files (polled every 10 ms)`,
          `all accepted after ${r.acceptedMs.toFixed(0)} ms, all done after ${r.finishedMs.toFixed(0)} ms; server tree CPU ${r.cpuSeconds.toFixed(2)} s`,
        ]),
      });
    }
  } finally {
    await server.stop();
  }
}
