// The floor's runtime: long-polls GET /next, echoes the event to POST /response/<id>, forever,
// over one keep-alive socket. See server.mjs. Leaves quietly once the server is gone.
import { Agent, request } from 'node:http';

const [host, port] = process.argv[2].split(':');
const agent = new Agent({ keepAlive: true, maxSockets: 1 });

function call(method, path, body, done) {
  const req = request({ host, port, method, path, agent }, (res) => {
    const chunks = [];
    res.on('data', (c) => chunks.push(c));
    res.on('end', () => done(res, Buffer.concat(chunks)));
  });
  req.on('error', () => process.exit(0)); // the server went away (ECONNRESET, socket hang up)
  req.end(body);
}

function poll() {
  call('GET', '/next', undefined, (res, event) => {
    call('POST', `/response/${res.headers['x-request-id']}`, event, poll);
  });
}
poll();
process.on('disconnect', () => process.exit(0));
