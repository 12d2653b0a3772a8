// Async (Event) invoke throughput end to end: events accepted over HTTP (each one a committed
// SQLite row before its 202), run by the async workers through the warm-environment path, until
// the last handler is done. The handler appends the event's number to a file; done = all there.
// Prints one table.
//   npm run bench:async      (builds first; also runs after `npm run bench`)
//   BENCH_ASYNC_EVENTS=5000 npm run bench:async
import { mkdtempSync, readFileSync, existsSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import yazl from 'yazl';
import { DEFAULTS } from '../dist/config.js';
import { startServer } from '../dist/main.js';

const EVENTS = Number(process.env.BENCH_ASYNC_EVENTS ?? 2000);
const SENDERS = 32;
const ROLE = 'arn:aws:iam::000000000000:role/bench';
const HANDLER = `
const fs = require('node:fs');
exports.handler = async (event) => {
  fs.appendFileSync(process.env.OUT, event.i + '\\n');
  return event;
};
`;

function zip(files) {
  const z = new yazl.ZipFile();
  for (const [name, content] of Object.entries(files)) z.addBuffer(Buffer.from(content), name);
  z.end();
  const chunks = [];
  return new Promise((resolve) => {
    z.outputStream.on('data', (c) => chunks.push(c));
    z.outputStream.on('end', () => resolve(Buffer.concat(chunks)));
  });
}

async function api(url, method, path, body, headers = {}) {
  const res = await fetch(url + path, { method, body, headers });
  const text = await res.text();
  if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${text}`);
  return res.status;
}

const lines = (file) => (existsSync(file) ? readFileSync(file, 'utf8').split('\n').length - 1 : 0);

/** Queues EVENTS events spread over `functions` and times acceptance and completion. */
async function run(url, dir, functions, label) {
  const outs = [];
  for (let f = 0; f < functions; f++) {
    const name = `${label}-${f}`;
    const out = join(dir, `${name}.txt`);
    outs.push(out);
    const ZipFile = (await zip({ 'index.js': HANDLER })).toString('base64');
    await api(url, 'POST', '/2015-03-31/functions', JSON.stringify({
      FunctionName: name, Role: ROLE, Runtime: 'nodejs20.x', Handler: 'index.handler', Code: { ZipFile },
      Environment: { Variables: { OUT: out } },
    }));
  }
  const t0 = performance.now();
  let next = 0;
  const sender = async () => {
    while (next < EVENTS) {
      const i = next++;
      const status = await api(url, 'POST', `/2015-03-31/functions/${label}-${i % functions}/invocations`, JSON.stringify({ i }), {
        'x-amz-invocation-type': 'Event',
      });
      if (status !== 202) throw new Error(`event ${i}: ${status}`);
    }
  };
  await Promise.all(Array.from({ length: SENDERS }, sender));
  const accepted = performance.now();
  for (;;) {
    const done = outs.reduce((n, f) => n + lines(f), 0);
    if (done >= EVENTS) break;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  const finished = performance.now();
  return {
    case: `${EVENTS} events, ${functions} function(s)`,
    'accepted/s': Math.round(EVENTS / ((accepted - t0) / 1000)),
    'end-to-end events/s': Math.round(EVENTS / ((finished - t0) / 1000)),
    total_ms: Math.round(finished - t0),
  };
}

async function main() {
  const dataDir = mkdtempSync(join(tmpdir(), 'lambdalite-bench-async-'));
  const server = await startServer({ ...DEFAULTS, port: 0, dataDir, logLevel: 'warn' });
  const rows = [];
  try {
    rows.push(await run(server.url, dataDir, 1, 'one'));
    rows.push(await run(server.url, dataDir, 4, 'four'));
  } finally {
    await server.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
  console.log(`async invokes (--async-workers ${DEFAULTS.asyncWorkers}, --async-function-concurrency ${DEFAULTS.asyncFunctionConcurrency}, ${SENDERS} senders), cold environments included:`);
  console.table(rows);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
