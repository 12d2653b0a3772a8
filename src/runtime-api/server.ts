// One Runtime API listener per execution environment (DESIGN.md: every sandbox has its own
// address, so a runtime only ever sees its own invocations). Plain sockets with our own HTTP/1.1
// framing (exchange.ts says why): the event goes out as bytes, keep-alive on and no timeouts,
// because /next long-polls for as long as the environment stays warm.
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { handleError } from './error.js';
import { Connection, type Exchange } from './exchange.js';
import { handleInitError } from './init-error.js';
import { deliverEvent, handleNext } from './next.js';
import { MAX_RESPONSE_BYTES, REFUSALS, sendJson, sendRefusal } from './render.js';
import { handleResponse } from './response.js';
import { RuntimeSession, type RuntimeApiListener } from './session.js';

const PREFIX = '/2018-06-01/runtime/';

type Handler = (session: RuntimeSession, exchange: Exchange, requestId: string) => unknown;

interface Route {
  readonly method: 'GET' | 'POST';
  readonly pattern: RegExp;
  readonly handle: Handler;
}

const ROUTES: readonly Route[] = [
  { method: 'GET', pattern: /^invocation\/next$/, handle: (s, ex) => handleNext(s, ex) },
  { method: 'POST', pattern: /^invocation\/([^/]+)\/response$/, handle: (s, ex, id) => handleResponse(s, id, ex) },
  { method: 'POST', pattern: /^invocation\/([^/]+)\/error$/, handle: (s, ex, id) => handleError(s, id, ex) },
  { method: 'POST', pattern: /^init\/error$/, handle: (s, ex) => handleInitError(s, ex) },
];

export interface RuntimeApiServer {
  /** host:port, the value of AWS_LAMBDA_RUNTIME_API. */
  readonly address: string;
  readonly session: RuntimeSession;
  /** Stops listening and drops every connection (the parked /next included). */
  close(): Promise<void>;
}

function route(session: RuntimeSession, exchange: Exchange): void {
  if (!exchange.path.startsWith(PREFIX)) return sendRefusal(exchange, REFUSALS.notFound);
  const rest = exchange.path.slice(PREFIX.length);
  let pathMatched = false;
  for (const r of ROUTES) {
    const m = r.pattern.exec(rest);
    if (!m) continue;
    pathMatched = true;
    if (r.method !== exchange.method) continue;
    let requestId = '';
    try {
      requestId = decodeURIComponent(m[1] ?? '');
    } catch {
      return sendRefusal(exchange, REFUSALS.invalidRequestId);
    }
    const fail = (): void => {
      if (!exchange.responded && !exchange.closed) {
        sendJson(exchange, 500, { errorMessage: 'Internal Server Error', errorType: 'InternalServerError' });
      } else exchange.destroy();
    };
    try {
      Promise.resolve(r.handle(session, exchange, requestId)).catch(fail);
    } catch {
      fail();
    }
    return;
  }
  sendRefusal(exchange, pathMatched ? REFUSALS.methodNotAllowed : REFUSALS.notFound);
}

/** Loopback: the runtime is a process on this host (the executor says otherwise for containers). */
const LOOPBACK = { bind: '127.0.0.1', advertise: '127.0.0.1' } as const;

export async function startRuntimeApiServer(
  listener: RuntimeApiListener,
  host: { readonly bind: string; readonly advertise: string } = LOOPBACK,
): Promise<RuntimeApiServer> {
  const session = new RuntimeSession(listener, deliverEvent);
  const sockets = new Set<Socket>();
  // Half-open allowed: a runtime that stops sending still gets the responses it asked for.
  const server: Server = createServer({ allowHalfOpen: true }, (socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    new Connection(socket, (exchange) => route(session, exchange), MAX_RESPONSE_BYTES);
  });
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
        for (const socket of sockets) socket.destroy();
      });
      return closing;
    },
  };
}
