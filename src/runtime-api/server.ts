// One Runtime API listener per execution environment (DESIGN.md: every sandbox has its own
// address, so a runtime only ever sees its own invocations). Plain node:http on the hot path:
// no framework, the event goes out as bytes, keep-alive on and no server-side timeouts, because
// /next long-polls for as long as the environment stays warm.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { handleError } from './error.js';
import { handleInitError } from './init-error.js';
import { deliverEvent, handleNext } from './next.js';
import { REFUSALS, sendJson, sendRefusal } from './render.js';
import { handleResponse } from './response.js';
import { RuntimeSession, type RuntimeApiListener } from './session.js';

const PREFIX = '/2018-06-01/runtime/';

type Handler = (session: RuntimeSession, req: IncomingMessage, res: ServerResponse, requestId: string) => unknown;

interface Route {
  readonly method: 'GET' | 'POST';
  readonly pattern: RegExp;
  readonly handle: Handler;
}

const ROUTES: readonly Route[] = [
  { method: 'GET', pattern: /^invocation\/next$/, handle: (s, req, res) => handleNext(s, req, res) },
  { method: 'POST', pattern: /^invocation\/([^/]+)\/response$/, handle: (s, req, res, id) => handleResponse(s, id, req, res) },
  { method: 'POST', pattern: /^invocation\/([^/]+)\/error$/, handle: (s, req, res, id) => handleError(s, id, req, res) },
  { method: 'POST', pattern: /^init\/error$/, handle: (s, req, res) => handleInitError(s, req, res) },
];

export interface RuntimeApiServer {
  /** host:port, the value of AWS_LAMBDA_RUNTIME_API. */
  readonly address: string;
  readonly session: RuntimeSession;
  /** Stops listening and drops every connection (the parked /next included). */
  close(): Promise<void>;
}

function route(session: RuntimeSession, req: IncomingMessage, res: ServerResponse): void {
  const rawPath = (req.url ?? '').split('?', 1)[0] ?? '';
  if (!rawPath.startsWith(PREFIX)) return sendRefusal(res, REFUSALS.notFound);
  const rest = rawPath.slice(PREFIX.length);
  let pathMatched = false;
  for (const r of ROUTES) {
    const m = r.pattern.exec(rest);
    if (!m) continue;
    pathMatched = true;
    if (r.method !== req.method) continue;
    let requestId = '';
    try {
      requestId = decodeURIComponent(m[1] ?? '');
    } catch {
      return sendRefusal(res, REFUSALS.invalidRequestId);
    }
    Promise.resolve(r.handle(session, req, res, requestId)).catch((err: unknown) => {
      if (!res.headersSent && !res.destroyed) {
        sendJson(res, 500, { errorMessage: 'Internal Server Error', errorType: 'InternalServerError' });
      } else res.destroy(err instanceof Error ? err : undefined);
    });
    return;
  }
  sendRefusal(res, pathMatched ? REFUSALS.methodNotAllowed : REFUSALS.notFound);
}

/** Loopback: the runtime is a process on this host (the executor says otherwise for containers). */
const LOOPBACK = { bind: '127.0.0.1', advertise: '127.0.0.1' } as const;

export async function startRuntimeApiServer(
  listener: RuntimeApiListener,
  host: { readonly bind: string; readonly advertise: string } = LOOPBACK,
): Promise<RuntimeApiServer> {
  const session = new RuntimeSession(listener, deliverEvent);
  const server: Server = createServer(
    { keepAlive: true, noDelay: true, requestTimeout: 0, headersTimeout: 0, keepAliveTimeout: 0 },
    (req, res) => route(session, req, res),
  );
  // A warm environment's /next may wait for minutes and its connection idles while the handler runs.
  server.timeout = 0;
  server.keepAliveTimeout = 0;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, host.bind, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  let closing: Promise<void> | undefined;
  return {
    address: `${host.advertise.includes(':') ? `[${host.advertise}]` : host.advertise}:${port}`,
    session,
    close: () => {
      closing ??= new Promise<void>((resolve) => {
        session.close();
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return closing;
    },
  };
}
