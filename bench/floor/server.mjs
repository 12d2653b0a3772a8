// The three-hop floor (issue 6): the least a local Lambda can do per invoke, as a measuring
// stick for lambdalite. Client → this server (POST /invoke) → a long-polling worker process
// (GET /next) → its answer (POST /response/<id>) → back to the client. No routing, no records,
// no environments: one worker per concurrent invoke, started up front.
//   node bench/floor/server.mjs <workers>    prints "listening <port>" when every worker polls
import { fork } from 'node:child_process';
import { createServer } from 'node:http';

const workers = Number(process.argv[2] ?? 1);
const children = [];
const waiting = []; // parked GET /next responses
const queued = []; // invokes no worker has taken yet
const pending = new Map(); // request id → client response
let nextId = 0;
let polling = 0;

function hand(worker, invoke) {
  pending.set(invoke.id, invoke.res);
  worker.writeHead(200, { 'content-type': 'application/json', 'x-request-id': invoke.id });
  worker.end(invoke.body);
}

function readBody(req, done) {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => done(Buffer.concat(chunks)));
}

const server = createServer((req, res) => {
  if (req.method === 'POST' && req.url === '/invoke') {
    readBody(req, (body) => {
      const invoke = { id: String(++nextId), body, res };
      const worker = waiting.pop();
      if (worker) hand(worker, invoke);
      else queued.push(invoke);
    });
  } else if (req.method === 'GET' && req.url === '/next') {
    if (++polling === workers) console.log(`listening ${server.address().port}`);
    const invoke = queued.shift();
    if (invoke) hand(res, invoke);
    else waiting.push(res);
  } else if (req.method === 'POST' && req.url.startsWith('/response/')) {
    readBody(req, (body) => {
      const id = req.url.slice('/response/'.length);
      const client = pending.get(id);
      pending.delete(id);
      res.writeHead(202).end();
      client.writeHead(200, { 'content-type': 'application/json' }).end(body);
    });
  } else res.writeHead(404).end();
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => {
  const address = `127.0.0.1:${server.address().port}`;
  const worker = new URL('./worker.mjs', import.meta.url);
  for (let i = 0; i < workers; i++) children.push(fork(worker, [address], { stdio: 'inherit' }));
});
// Workers also leave on their own when the IPC channel closes (a SIGKILL here); this covers the rest.
process.on('exit', () => children.forEach((child) => child.kill()));
process.on('SIGTERM', () => process.exit(0));
process.on('SIGINT', () => process.exit(0));
