// Serves function URLs on the API port, in two forms (README, "Function URLs"):
//   http://<host>:<port>/lambda-url/<url-id>/<path>            what FunctionUrl names
//   Host: <url-id>.lambda-url.<region>.<anything>, any path    AWS's own host form
// The host form is rewritten to the path form before routing, so one route serves both; the
// event still sees the path the client sent, and a SigV4 signature is checked against it.
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import type { IncomingMessage } from 'node:http';
import type { UrlRequest } from '../function-urls/event.js';
import type { UrlResponse } from '../function-urls/response.js';
import type { Services } from '../services.js';
import type { App } from './app.js';

export const URL_PATH_PREFIX = '/lambda-url/';
// "Lambda quotas": 6 MB request and response payload for synchronous invocations.
export const FUNCTION_URL_BODY_LIMIT = 6291456;
const URL_HOST = /^([a-z0-9]+)\.lambda-url\.[a-z]{2}(?:-gov)?-[a-z]+-\d\./i;
const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'];

/** Fastify's `rewriteUrl`: a request whose Host names a function URL goes to that URL, whatever its path. */
export function rewriteFunctionUrlHost(req: IncomingMessage): string {
  const url = req.url ?? '/';
  const m = URL_HOST.exec(req.headers.host ?? '');
  if (!m || !url.startsWith('/')) return url;
  return `${URL_PATH_PREFIX}${m[1]!.toLowerCase()}${url}`;
}

/** `/lambda-url/<id>/a/b?x=1` → the URL id, `/a/b` and `x=1`. */
function splitUrl(url: string): { urlId: string; rawPath: string; rawQueryString: string } {
  const q = url.indexOf('?');
  const path = (q < 0 ? url : url.slice(0, q)).slice(URL_PATH_PREFIX.length);
  const slash = path.indexOf('/');
  return {
    urlId: slash < 0 ? path : path.slice(0, slash),
    rawPath: slash < 0 ? '/' : path.slice(slash),
    rawQueryString: q < 0 ? '' : url.slice(q + 1),
  };
}

function toUrlRequest(req: FastifyRequest): UrlRequest {
  return {
    ...splitUrl(req.url),
    method: req.method,
    signedUrl: req.originalUrl,
    rawHeaders: req.raw.rawHeaders,
    body: Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0),
    sourceIp: (req.socket.remoteAddress ?? '').replace(/^::ffff:/, ''),
    protocol: `HTTP/${req.raw.httpVersion}`,
    scheme: req.protocol,
    port: req.socket.localPort ?? 0,
    requestId: req.id,
    receivedAtMs: Date.now(),
  };
}

function send(reply: FastifyReply, res: UrlResponse): FastifyReply {
  const grouped = new Map<string, string[]>();
  for (const [name, value] of res.headers) {
    const key = name.toLowerCase();
    grouped.set(key, [...(grouped.get(key) ?? []), value]);
  }
  for (const [name, values] of grouped) reply.header(name, name === 'set-cookie' ? values : values.join(', '));
  reply.code(res.statusCode);
  return res.body.length === 0 && !grouped.has('content-type') ? reply.send() : reply.send(res.body);
}

/** Errors before the handler runs (the body too large, a malformed request), in the URL's own words. */
function urlErrorHandler(err: FastifyError, req: FastifyRequest, reply: FastifyReply) {
  const json = (status: number, type: string, message: string) =>
    send(reply, {
      statusCode: status,
      headers: [['content-type', 'application/json'], ['x-amzn-errortype', type]],
      body: Buffer.from(JSON.stringify({ Message: message })),
    });
  if (err.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
    return json(413, 'RequestTooLargeException', `Request must be smaller than ${FUNCTION_URL_BODY_LIMIT} bytes for the InvokeFunction operation`);
  }
  if (err.statusCode !== undefined && err.statusCode < 500) return json(err.statusCode, 'BadRequestException', err.message);
  req.log.error({ err }, 'function URL request failed');
  return send(reply, { statusCode: 502, headers: [['content-type', 'application/json']], body: Buffer.from('Internal Server Error') });
}

export async function functionUrlRoutes(app: App, { services }: { services: Services }) {
  app.route({
    method: METHODS,
    url: `${URL_PATH_PREFIX}*`,
    bodyLimit: FUNCTION_URL_BODY_LIMIT,
    exposeHeadRoute: false,
    config: { operation: 'InvokeFunctionUrl', rawBody: true },
    schema: { hide: true },
    errorHandler: urlErrorHandler,
    handler: async (req, reply) => send(reply, await services.functionUrlInvoker.handle(toUrlRequest(req))),
  });
}
