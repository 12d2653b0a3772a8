// What the Runtime API tests share: a real listener on a free port with a listener that records
// every call the session makes.
import type { Test } from 'tap';
import { startRuntimeApiServer, type RuntimeApiServer } from '../../src/runtime-api/server.js';
import type { RuntimeApiListener } from '../../src/runtime-api/session.js';

type Call = [string, ...unknown[]];

export async function harness(t: Test): Promise<{ api: RuntimeApiServer; calls: Call[]; base: string }> {
  const calls: Call[] = [];
  const listener: RuntimeApiListener = {
    ready: () => calls.push(['ready']),
    initError: (r) => calls.push(['initError', r.errorType, r.body.toString()]),
    response: (id, body) => calls.push(['response', id, body.toString()]),
    error: (id, r) => calls.push(['error', id, r.errorType, r.body.toString()]),
    responseTooLarge: (id) => calls.push(['responseTooLarge', id]),
  };
  const api = await startRuntimeApiServer(listener);
  t.teardown(() => api.close());
  return { api, calls, base: `http://${api.address}/2018-06-01/runtime` };
}
