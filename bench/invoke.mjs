// Warm-invoke throughput and latency at concurrency 1, 10 and 50, and cold-start time, through a
// real lambdalite server (the compiled dist/), measured with autocannon. Prints one table.
//   npm run bench            (builds first)
//   BENCH_SECONDS=10 npm run bench
import autocannon from 'autocannon';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import yazl from 'yazl';
import { DEFAULTS } from '../dist/config.js';
import { startServer } from '../dist/main.js';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const ROLE = 'arn:aws:iam::000000000000:role/bench';

function zip(files) {
  const z = new yazl.ZipFile();
  for (const [name, [content, mode]] of Object.entries(files)) z.addBuffer(Buffer.from(content), name, { mode });
  z.end();
  const chunks = [];
  return new Promise((resolve) => {
    z.outputStream.on('data', (c) => chunks.push(c));
    z.outputStream.on('end', () => resolve(Buffer.concat(chunks)));
  });
}

const FUNCTIONS = {
  node: { Runtime: 'nodejs20.x', Handler: 'index.handler', files: { 'index.js': ['exports.handler = async (e) => e;\n', 0o644] } },
  python: { Runtime: 'python3.12', Handler: 'app.handler', files: { 'app.py': ['def handler(event, context):\n    return event\n', 0o644] } },
};

async function api(url, method, path, body) {
  const res = await fetch(url + path, { method, body: body && JSON.stringify(body), headers: { 'content-type': 'application/json' } });
  const text = await res.text();
  if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${text}`);
  return text;
}

async function createFunction(url, name, kind) {
  const { files, ...config } = FUNCTIONS[kind];
  const ZipFile = (await zip(files)).toString('base64');
  await api(url, 'POST', '/2015-03-31/functions', { FunctionName: name, Role: ROLE, Code: { ZipFile }, ...config });
}

const invokePath = (name) => `/2015-03-31/functions/${name}/invocations`;

function load(url, name, connections) {
  return new Promise((resolve, reject) => {
    autocannon(
      { url: url + invokePath(name), method: 'POST', body: '{"hello":"world"}', connections, duration: SECONDS },
      (err, result) => (err ? reject(err) : resolve(result)),
    );
  });
}

async function main() {
  const dataDir = mkdtempSync(join(tmpdir(), 'lambdalite-bench-'));
  const server = await startServer({ ...DEFAULTS, port: 0, dataDir, logLevel: 'warn' });
  const rows = [];
  try {
    for (const kind of Object.keys(FUNCTIONS)) {
      // Cold start: create, then the first invoke (a new environment), timed from the client.
      const name = `bench-${kind}`;
      const t0 = performance.now();
      await createFunction(server.url, name, kind);
      const t1 = performance.now();
      await api(server.url, 'POST', invokePath(name), {});
      const t2 = performance.now();
      rows.push({ case: `${kind} cold start`, create_ms: (t1 - t0).toFixed(1), first_invoke_ms: (t2 - t1).toFixed(1) });
      for (const connections of [1, 10, 50]) {
        const cpu0 = process.cpuUsage();
        const r = await load(server.url, name, connections);
        const cpu = process.cpuUsage(cpu0);
        const non2xx = r.non2xx + r.errors;
        rows.push({
          case: `${kind} warm c=${connections}`,
          'invokes/s': Math.round(r.requests.average),
          p50_ms: r.latency.p50,
          p99_ms: r.latency.p99,
          'server+loadgen cpu s/1k': ((cpu.user + cpu.system) / 1e6 / (r.requests.total / 1000)).toFixed(3),
          failed: non2xx,
        });
      }
    }
  } finally {
    await server.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
  console.log(`lambdalite bench: autocannon, ${SECONDS}s per row, POST ${invokePath('<fn>')} with a 17-byte JSON event`);
  console.table(rows);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
