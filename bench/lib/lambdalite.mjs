// lambdalite as the benchmarks see it: a child process (`node dist/cli.js serve`) on a free port
// with a temporary data directory, its Lambda API, and the benchmark functions.
import { execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import yazl from 'yazl';
import { childCount } from './proc.mjs';

const CLI = fileURLToPath(new URL('../../dist/cli.js', import.meta.url));
const ROLE = 'arn:aws:iam::000000000000:role/bench';
export const ACCOUNT_CONCURRENCY = 1000;

// Trivial handlers: echo the event, after sleepMs when the event asks (only the warm-up and the
// scale-out rows ask, to hold an environment busy).
const NODE_ECHO = 'exports.handler = async (e) => (e.sleepMs ? new Promise((r) => setTimeout(r, e.sleepMs, e)) : e);\n';
const PYTHON_ECHO = `import time

def handler(event, context):
    if event.get('sleepMs'):
        time.sleep(event['sleepMs'] / 1000)
    return event
`;
// A custom runtime with no compiler: a Node.js script as bootstrap, one keep-alive socket.
const PROVIDED_ECHO = `#!/usr/bin/env node
const http = require('node:http');
const [host, port] = process.env.AWS_LAMBDA_RUNTIME_API.split(':');
const agent = new http.Agent({ keepAlive: true, maxSockets: 1, noDelay: true });
const base = '/2018-06-01/runtime/invocation/';
function call(method, path, body, done) {
  const req = http.request({ host, port, method, path: base + path, agent, headers: { 'content-type': 'application/json' } }, (res) => {
    const chunks = [];
    res.on('data', (c) => chunks.push(c));
    res.on('end', () => done(res, Buffer.concat(chunks)));
  });
  req.end(body);
}
function loop() {
  call('GET', 'next', undefined, (res, event) => {
    const id = res.headers['lambda-runtime-aws-request-id'];
    const { sleepMs } = JSON.parse(event);
    const answer = () => call('POST', id + '/response', event, loop);
    if (sleepMs) setTimeout(answer, sleepMs);
    else answer(); // setTimeout(fn, 0) would wait a whole millisecond
  });
}
loop();
`;

export const FUNCTIONS = {
  node: { Runtime: 'nodejs20.x', Handler: 'index.handler', files: { 'index.js': [NODE_ECHO, 0o644] } },
  python: { Runtime: 'python3.12', Handler: 'app.handler', files: { 'app.py': [PYTHON_ECHO, 0o644] } },
  provided: { Runtime: 'provided.al2023', Handler: 'bootstrap', files: { bootstrap: [PROVIDED_ECHO, 0o755] } },
};

export function zip(files) {
  const z = new yazl.ZipFile();
  for (const [name, [content, mode]] of Object.entries(files)) z.addBuffer(Buffer.from(content), name, { mode });
  z.end();
  const chunks = [];
  return new Promise((resolve) => {
    z.outputStream.on('data', (c) => chunks.push(c));
    z.outputStream.on('end', () => resolve(Buffer.concat(chunks)));
  });
}

async function freePort() {
  const probe = createServer().listen(0, '127.0.0.1');
  await once(probe, 'listening');
  const { port } = probe.address();
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const running = new Set();
// If the bench dies, SIGTERM (not SIGKILL) lets each server stop its runtimes, which run detached.
process.on('exit', () => running.forEach((child) => child.kill('SIGTERM')));

/**
 * A started lambdalite: { url, pid, command, dataDir, api(), createFunction(), invoke(), stop() };
 * `extraArgs` are more `serve` flags (e.g. --executor docker).
 */
export async function startLambdalite(extraArgs = []) {
  const port = await freePort();
  const dataDir = mkdtempSync(join(tmpdir(), 'lambdalite-bench-'));
  const args = ['serve', '--port', String(port), '--data-dir', dataDir, '--log-level', 'warn', '--account-concurrency', String(ACCOUNT_CONCURRENCY), ...extraArgs];
  // Its logs go to our stderr, so stdout carries only the report.
  const child = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 2, 2] });
  running.add(child);
  const exited = once(child, 'exit');
  const url = `http://127.0.0.1:${port}`;
  // A process environment is a child of the server; a docker one is a labelled container.
  const containers = extraArgs.includes('docker');
  const environments = (name) =>
    containers
      ? execFileSync('docker', ['ps', '-q', '--filter', `label=lambdalite.function=${name}`], { encoding: 'utf8' }).split('\n').filter(Boolean).length
      : childCount(child.pid);
  const server = {
    url,
    pid: child.pid,
    dataDir,
    command: `node dist/cli.js ${args.join(' ').replace(dataDir, '$(mktemp -d)')}`,
    api: (method, path, body, headers) => api(url, method, path, body, headers),
    async createFunction(name, spec, extra = {}) {
      const { files, ...config } = spec;
      const ZipFile = (await zip(files)).toString('base64');
      const body = { FunctionName: name, Role: ROLE, Code: { ZipFile }, Timeout: 60, ...config, ...extra };
      return server.api('POST', '/2015-03-31/functions', body);
    },
    /** A synchronous invoke; throws on a non-2xx status or a function error. */
    async invoke(name, event = {}) {
      const res = await server.api('POST', invokePath(name), event);
      if (res.headers.get('x-amz-function-error')) throw new Error(`${name}: function error ${res.text}`);
      return res;
    },
    /** Fires `connections` concurrent invokes that each hold an environment until there are that many. */
    async warm(name, connections) {
      for (let round = 0; round < 5; round++) {
        await Promise.all(Array.from({ length: connections }, () => server.invoke(name, { sleepMs: 300 })));
        if (environments(name) >= connections) return;
      }
      throw new Error(`${name}: fewer than ${connections} environments after warming`);
    },
    async stop() {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(timer);
      running.delete(child);
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
  for (const started = Date.now(); ; await sleep(50)) {
    if (child.exitCode !== null) throw new Error(`lambdalite exited with ${child.exitCode}: ${server.command}`);
    try {
      await server.api('GET', '/2015-03-31/functions');
      return server;
    } catch (err) {
      if (Date.now() - started > 20_000) throw new Error(`lambdalite did not answer within 20 s: ${err.message}`);
    }
  }
}

export const invokePath = (name) => `/2015-03-31/functions/${name}/invocations`;

/** One Lambda API call with a JSON body; throws on a status of 300 or more. */
export async function api(url, method, path, body, headers = {}) {
  const res = await fetch(url + path, {
    method,
    body: body === undefined ? undefined : JSON.stringify(body),
    headers: { 'content-type': 'application/json', ...headers },
  });
  const text = await res.text();
  if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${text}`);
  return { status: res.status, headers: res.headers, text, json: () => JSON.parse(text) };
}
