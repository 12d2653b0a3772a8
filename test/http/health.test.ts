// GET /health, which container health checks and compose `service_healthy` conditions poll.
import t from 'tap';
import { startTestServer } from '../helpers/server.js';

t.test('GET /health answers 200 {"status":"ok"} while the server runs', async (t) => {
  const { server } = await startTestServer(t);
  const res = await fetch(`${server.url}/health`);
  t.equal(res.status, 200);
  t.match(res.headers.get('content-type'), /^application\/json/);
  t.same(await res.json(), { status: 'ok' });
});

t.test('/health is no AWS operation: other methods get the unknown-operation error', async (t) => {
  const { server } = await startTestServer(t);
  const res = await fetch(`${server.url}/health`, { method: 'POST' });
  t.equal(res.status, 404);
  t.equal(res.headers.get('x-amzn-errortype'), 'UnknownOperationException');
});
