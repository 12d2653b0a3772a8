// The Node.js runtime client's own HTTP client (src/runtimes/node/runtime-api-client.ts), against
// a raw TCP server that splits its responses as a network may: whole replies whatever the reads,
// pipelined batches, chunked and large bodies, malformed responses, latin-1 header bytes.
import { once } from 'node:events';
import { createServer, type AddressInfo, type Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import t from 'tap';
import { RuntimeApiClient, type Reply } from '../../src/runtimes/node/runtime-api-client.js';

type Test = typeof t;

/**
 * A server whose `answer` is called with the bytes a connection has sent so far, until it returns
 * true (it has answered); what the client sent is kept for assertions.
 */
async function rawServer(t: Test, answer: (socket: Socket, sent: Buffer) => boolean | Promise<boolean>) {
  const sent: Buffer[] = [];
  const sockets: Socket[] = [];
  const server = createServer((socket) => {
    sockets.push(socket);
    let answered = false;
    socket.on('data', async (chunk) => {
      sent.push(chunk);
      if (!answered) answered = await answer(socket, Buffer.concat(sent));
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  t.teardown(() => {
    server.close();
    for (const s of sockets) s.destroy();
  });
  return { port: (server.address() as AddressInfo).port, sent: () => Buffer.concat(sent) };
}

/** Writes `bytes` in pieces of `size`, a millisecond apart, so most arrive as reads of their own. */
async function writeIn(socket: Socket, bytes: Buffer, size: number): Promise<void> {
  for (let at = 0; at < bytes.length; at += size) {
    socket.write(bytes.subarray(at, at + size));
    if (size < 100) await sleep(1);
  }
}

const response = (status: string, headers: string[], body: Buffer) =>
  Buffer.concat([Buffer.from(`HTTP/1.1 ${status}\r\n${headers.map((h) => `${h}\r\n`).join('')}\r\n`, 'latin1'), body]);

const NEXT = { method: 'GET', path: '/2018-06-01/runtime/invocation/next' };

t.test('a response split into reads of 1, 2, 7 or 1,000 bytes arrives whole', async (t) => {
  const body = Buffer.from(JSON.stringify({ text: 'héllo ✓ 😀', n: 1 }));
  const bytes = response('200 OK', [
    'Content-Type: application/json',
    'Lambda-Runtime-Aws-Request-Id: req-1',
    'lambda-runtime-deadline-ms:  1700000000000 ',
    `Content-Length: ${body.length}`,
  ], body);
  for (const size of [1, 2, 7, 1000]) {
    const { port } = await rawServer(t, async (socket, sent) => {
      if (!sent.includes('\r\n\r\n')) return false;
      await writeIn(socket, bytes, size);
      return true;
    });
    const reply = await new RuntimeApiClient('127.0.0.1', port).request(NEXT);
    t.equal(reply.status, 200, `status (reads of ${size})`);
    t.equal(reply.body, body.toString('utf8'), `the body, multi-byte characters included (reads of ${size})`);
    t.equal(reply.header('lambda-runtime-aws-request-id'), 'req-1', 'a header, its name in any case');
    t.equal(reply.header('lambda-runtime-deadline-ms'), '1700000000000', 'a value is trimmed');
    t.equal(reply.header('lambda-runtime-trace-id'), undefined, 'an absent header');
  }
});

t.test('a pipelined batch goes out in one write, and its last reply answers it', async (t) => {
  const event = Buffer.from('{"n":2}');
  const { port, sent } = await rawServer(t, (socket, bytes) => {
    if (bytes.toString('latin1').split('\r\n\r\n').length < 3) return false; // both requests in
    socket.write(Buffer.concat([
      response('202 Accepted', ['Content-Length: 16'], Buffer.from('{"status":"OK"}\n')),
      response('200 OK', ['Lambda-Runtime-Aws-Request-Id: req-2', `Content-Length: ${event.length}`], event),
    ]));
    return true;
  });
  const client = new RuntimeApiClient('127.0.0.1', port);
  const replies: Reply[] = [];
  await new Promise<void>((resolve, reject) => {
    client.send([
      { method: 'POST', path: '/2018-06-01/runtime/invocation/req-1/response', body: '{"ok":true}', headers: { 'Content-Type': 'application/json' } },
      NEXT,
    ], (reply) => {
      replies.push(reply);
      resolve();
    }, reject);
  });
  await sleep(20);
  t.equal(replies.length, 1, 'done is called once, for the batch');
  t.equal(replies[0]!.status, 200, 'with the last reply');
  t.equal(replies[0]!.header('lambda-runtime-aws-request-id'), 'req-2');
  t.equal(replies[0]!.body, '{"n":2}');
  const text = sent().toString('latin1');
  t.ok(text.startsWith('POST /2018-06-01/runtime/invocation/req-1/response HTTP/1.1\r\n'), 'the answer first');
  t.match(text, /Content-Length: 11\r\n\r\n\{"ok":true\}GET \/2018-06-01\/runtime\/invocation\/next HTTP\/1\.1\r\n/, 'the /next right behind its body');
});

t.test('a chunked body split across reads', async (t) => {
  const bytes = Buffer.concat([
    response('200 OK', ['Transfer-Encoding: chunked', 'Lambda-Runtime-Aws-Request-Id: req-3'], Buffer.alloc(0)),
    Buffer.from('5\r\n{"a":\r\n3;ext=1\r\n1,"\r\n4\r\nb":2\r\n1\r\n}\r\n0\r\n\r\n', 'latin1'),
  ]);
  const { port } = await rawServer(t, async (socket, sent) => {
    if (!sent.includes('\r\n\r\n')) return false;
    await writeIn(socket, bytes, 3);
    return true;
  });
  const reply = await new RuntimeApiClient('127.0.0.1', port).request(NEXT);
  t.equal(reply.body, '{"a":1,"b":2}');
});

t.test('a 3 MB body over many reads arrives whole', async (t) => {
  const body = Buffer.from(JSON.stringify({ data: 'x€'.repeat(1024 * 1024) }));
  const bytes = response('200 OK', [`Content-Length: ${body.length}`], body);
  const { port } = await rawServer(t, (socket, sent) => {
    if (!sent.includes('\r\n\r\n')) return false;
    socket.write(bytes);
    return true;
  });
  const reply = await new RuntimeApiClient('127.0.0.1', port).request(NEXT);
  t.equal(reply.body, body.toString('utf8'));
});

t.test('a response that is not HTTP fails the request', async (t) => {
  for (const garbage of ['SMTP ready\r\n\r\n', 'HTTP/1.1 200 OK\r\nContent-Length: ten\r\n\r\n', 'HTTP/1.1 200 OK\r\n\r\n']) {
    const { port } = await rawServer(t, (socket, sent) => {
      if (!sent.includes('\r\n\r\n')) return false;
      socket.write(garbage);
      return true;
    });
    await t.rejects(new RuntimeApiClient('127.0.0.1', port).request(NEXT), /unexpected Runtime API response/, JSON.stringify(garbage));
  }
});

t.test('a header value beyond ASCII goes out as its latin-1 bytes, the body as UTF-8', async (t) => {
  const { port, sent } = await rawServer(t, (socket, bytes) => {
    if (!bytes.includes('\r\n\r\n') || bytes.length < bytes.indexOf('\r\n\r\n') + 4 + 2) return false;
    socket.write(response('202 Accepted', ['Content-Length: 0'], Buffer.alloc(0)));
    return true;
  });
  const reply = await new RuntimeApiClient('127.0.0.1', port).request({
    method: 'POST',
    path: '/2018-06-01/runtime/invocation/req-4/error',
    body: 'ü',
    headers: { 'Lambda-Runtime-Function-Error-Type': 'Fehl\xe9r' },
  });
  t.equal(reply.status, 202);
  const bytes = sent();
  t.ok(bytes.includes(Buffer.from('Lambda-Runtime-Function-Error-Type: Fehl\xe9r\r\n', 'latin1')), 'é as one byte, 0xe9');
  t.ok(bytes.includes(Buffer.from('Content-Length: 2\r\n\r\nü', 'utf8')), 'the body as UTF-8, its length in bytes');
});
