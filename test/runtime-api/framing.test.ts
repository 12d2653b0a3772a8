// The Runtime API's own HTTP/1.1 framing (request-parser.ts, exchange.ts), driven over raw TCP
// the way runtime clients other than ours may send: split writes, chunked bodies, 100-continue,
// pipelining, half-close, Connection: close, HTTP/1.0, and requests that cannot be framed.
import { connect } from 'node:net';
import t, { type Test } from 'tap';
import type { RuntimeApiServer } from '../../src/runtime-api/server.js';
import { harness } from './helpers.js';

interface Conversation {
  /** Everything received so far, as latin-1. */
  readonly received: () => string;
  readonly closed: () => boolean;
  write(bytes: string | Buffer): Promise<void>;
  end(): void;
  /** Resolves once the received text matches, or the connection closes. */
  until(pattern: RegExp, timeoutMs?: number): Promise<string>;
}

function talk(t: Test, api: RuntimeApiServer): Conversation {
  const [host, port] = api.address.split(':');
  const socket = connect({ host, port: Number(port), noDelay: true });
  t.teardown(() => socket.destroy());
  let received = '';
  let closed = false;
  const waiters = new Set<() => void>();
  const wake = () => waiters.forEach((w) => w());
  socket.on('data', (chunk: Buffer) => {
    received += chunk.toString('latin1');
    wake();
  });
  socket.on('error', () => undefined);
  socket.on('close', () => {
    closed = true;
    wake();
  });
  return {
    received: () => received,
    closed: () => closed,
    write: (bytes) => new Promise((resolve) => socket.write(bytes, () => setImmediate(resolve))),
    end: () => socket.end(),
    until: (pattern, timeoutMs = 2000) =>
      new Promise((resolve) => {
        const check = () => {
          if (!pattern.test(received) && !closed) return;
          waiters.delete(check);
          clearTimeout(timer);
          resolve(received);
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          resolve(received);
        }, timeoutMs);
        waiters.add(check);
        check();
      }),
  };
}

const INIT_ERROR = 'POST /2018-06-01/runtime/init/error HTTP/1.1\r\nHost: x\r\n';
const BODY = '{"errorType":"Runtime.ExitError","errorMessage":"ü"}';

t.test('a request split into one-byte writes is read whole (a multi-byte character split too)', async (t) => {
  const { api, calls } = await harness(t);
  const c = talk(t, api);
  const bytes = Buffer.from(`${INIT_ERROR}Content-Length: ${Buffer.byteLength(BODY)}\r\n\r\n${BODY}`);
  for (let i = 0; i < bytes.length; i++) await c.write(bytes.subarray(i, i + 1));
  t.match(await c.until(/\{"status":"OK"\}\n$/), /^HTTP\/1\.1 202 Accepted\r\n/);
  t.same(calls, [['initError', 'Runtime.ExitError', BODY]]);
});

t.test('a chunked body, with a chunk extension and a trailer, is reassembled', async (t) => {
  const { api, calls } = await harness(t);
  const c = talk(t, api);
  const body = Buffer.from(BODY);
  const chunked = Buffer.concat([
    Buffer.from(`${INIT_ERROR}Transfer-Encoding: chunked\r\n\r\n10;name=value\r\n`),
    body.subarray(0, 16),
    Buffer.from(`\r\n${(body.length - 16).toString(16)}\r\n`),
    body.subarray(16),
    Buffer.from('\r\n0\r\nX-Trailer: yes\r\n\r\n'),
  ]);
  // In two writes, the second starting inside the first chunk's data.
  await c.write(chunked.subarray(0, INIT_ERROR.length + 40));
  await c.write(chunked.subarray(INIT_ERROR.length + 40));
  t.match(await c.until(/\{"status":"OK"\}\n$/), /^HTTP\/1\.1 202 /);
  t.same(calls, [['initError', 'Runtime.ExitError', BODY]]);
});

t.test('Expect: 100-continue is answered before the body is sent (curl asks for it on large bodies)', async (t) => {
  const { api, calls } = await harness(t);
  const c = talk(t, api);
  await c.write(`${INIT_ERROR}Expect: 100-continue\r\nContent-Length: ${Buffer.byteLength(BODY)}\r\n\r\n`);
  t.equal(await c.until(/\r\n\r\n$/), 'HTTP/1.1 100 Continue\r\n\r\n');
  t.same(calls, [], 'nothing happens before the body');
  await c.write(BODY);
  t.match(await c.until(/\{"status":"OK"\}\n$/), /^HTTP\/1\.1 100 Continue\r\n\r\nHTTP\/1\.1 202 /);
  t.same(calls, [['initError', 'Runtime.ExitError', BODY]]);
});

t.test('pipelined requests are answered in order, on a connection that stays open', async (t) => {
  const { api } = await harness(t);
  const c = talk(t, api);
  await c.write(
    'GET /nothing HTTP/1.1\r\nHost: x\r\n\r\n' +
      'POST /2018-06-01/runtime/invocation/next HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\n{}' +
      '\r\nGET /2018-06-01/runtime/else HTTP/1.1\r\nHost: x\r\n\r\n',
  );
  const text = await c.until(/"NotFound"\}\n[^]*"MethodNotAllowed"\}\n[^]*"NotFound"\}\n$/);
  const statuses = [...text.matchAll(/^HTTP\/1\.1 (\d+)/gm)].map((m) => m[1]);
  t.same(statuses, ['404', '405', '404'], 'one response per request, in request order (a stray CRLF between requests is allowed)');
  t.equal(c.closed(), false);
  t.match(text, /\r\nDate: [A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} GMT\r\n/, 'with a Date header');
});

t.test('Connection: close and HTTP/1.0 end the connection after their response; keep-alive 1.0 does not', async (t) => {
  const { api } = await harness(t);
  const cases = [
    { name: 'HTTP/1.1 with Connection: close', head: 'GET /nothing HTTP/1.1\r\nConnection: close\r\n\r\n', closes: true },
    { name: 'HTTP/1.0', head: 'GET /nothing HTTP/1.0\r\n\r\n', closes: true },
    { name: 'HTTP/1.0 with keep-alive', head: 'GET /nothing HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n', closes: false },
  ];
  for (const k of cases) {
    const c = talk(t, api);
    // A request behind a closing one is not answered.
    await c.write(`${k.head}GET /nothing HTTP/1.1\r\n\r\n`);
    const text = await c.until(k.closes ? /(?!)/ : /("NotFound"\}\n[^]*){2}$/, 1000);
    const count = [...text.matchAll(/^HTTP\/1\.1 404/gm)].length;
    t.equal(count, k.closes ? 1 : 2, `${k.name}: responses`);
    t.equal(c.closed(), k.closes, `${k.name}: closed`);
    t.equal(/\r\nConnection: close\r\n/.test(text), k.closes, `${k.name}: says so`);
  }
});

t.test('a runtime that half-closes after its request still gets the response', async (t) => {
  const { api } = await harness(t);
  const c = talk(t, api);
  await c.write('GET /nothing HTTP/1.1\r\nHost: x\r\n\r\n');
  c.end();
  const text = await c.until(/(?!)/);
  t.match(text, /^HTTP\/1\.1 404 [^]*"NotFound"\}\n$/);
  t.equal(c.closed(), true, 'then the server closes too');
});

t.test('requests that cannot be framed get 400 (431 for a huge head) and the connection ends', async (t) => {
  const { api, calls } = await harness(t);
  const cases = [
    { name: 'no request line', bytes: 'GARBAGE\r\n\r\n', status: 400 },
    { name: 'HTTP/2 request line', bytes: 'GET / HTTP/2.0\r\n\r\n', status: 400 },
    { name: 'header without a colon', bytes: 'GET /nothing HTTP/1.1\r\nHost x\r\n\r\n', status: 400 },
    { name: 'folded header', bytes: 'GET /nothing HTTP/1.1\r\nX-A: 1\r\n  2\r\n\r\n', status: 400 },
    { name: 'Content-Length with Transfer-Encoding', bytes: `${INIT_ERROR}Content-Length: 2\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n`, status: 400 },
    { name: 'a transfer coding other than chunked', bytes: `${INIT_ERROR}Transfer-Encoding: gzip\r\n\r\n`, status: 400 },
    { name: 'non-numeric Content-Length', bytes: `${INIT_ERROR}Content-Length: 1e3\r\n\r\n`, status: 400 },
    { name: 'two different Content-Lengths', bytes: `${INIT_ERROR}Content-Length: 2\r\nContent-Length: 3\r\n\r\n{}`, status: 400 },
    { name: 'bad chunk size', bytes: `${INIT_ERROR}Transfer-Encoding: chunked\r\n\r\nzz\r\n`, status: 400 },
    { name: 'chunk data longer than its size', bytes: `${INIT_ERROR}Transfer-Encoding: chunked\r\n\r\n2\r\n{}}\r\n0\r\n\r\n`, status: 400 },
    { name: 'a head over 64 KiB', bytes: `GET /nothing HTTP/1.1\r\nX-Big: ${'a'.repeat(70_000)}\r\n\r\n`, status: 431 },
    { name: 'a head over 64 KiB, never finished', bytes: `GET /nothing HTTP/1.1\r\nX-Big: ${'a'.repeat(70_000)}`, status: 431 },
  ];
  for (const k of cases) {
    const c = talk(t, api);
    await c.write(k.bytes);
    const text = await c.until(/(?!)/);
    t.match(text, new RegExp(`^HTTP/1\\.1 ${k.status} [^]*\r\nConnection: close\r\n\r\n$`), `${k.name}: ${k.status}`);
    t.equal(c.closed(), true, `${k.name}: closed`);
  }
  t.same(calls, [], 'nothing reached the session');
  t.equal(api.session.state, 'Started');
});
