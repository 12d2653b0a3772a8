// CORS on a function URL, as AWS applies it: a preflight is answered from the URL's settings
// without invoking the function, and the allow-origin / credentials / expose headers of the
// settings go on every response (in place of any the function set).
import { UpdateFunctionUrlConfigCommand } from '@aws-sdk/client-lambda';
import t from 'tap';
import { startTestServer } from '../helpers/server.js';
import { functionWithUrl, rawRequest } from './helpers.js';

// Answers with the method it saw, and CORS headers of its own that the URL's settings override.
const HANDLER = `
exports.handler = async (event) => ({
  statusCode: 200,
  headers: { 'access-control-allow-origin': 'https://evil.example', 'x-trace': 't-1' },
  body: 'ran ' + event.requestContext.http.method,
});
`;

const CORS = {
  AllowOrigins: ['https://app.example'],
  AllowMethods: ['GET', 'POST'],
  AllowHeaders: ['content-type', 'x-custom'],
  ExposeHeaders: ['x-trace'],
  MaxAge: 600,
  AllowCredentials: true,
};

t.test('a preflight is answered from the settings, without invoking the function', async (t) => {
  const { lambda, server } = await startTestServer(t);
  const { urlId } = await functionWithUrl(lambda, 'cors', HANDLER, { Cors: CORS });
  const path = `/lambda-url/${urlId}/items`;

  const preflight = await rawRequest(server.url, {
    method: 'OPTIONS', path,
    headers: { origin: 'https://app.example', 'access-control-request-method': 'POST', 'access-control-request-headers': 'x-custom' },
  });
  t.equal(preflight.status, 200);
  t.equal(preflight.body.toString(), '', 'the function did not run');
  t.equal(preflight.headers['access-control-allow-origin'], 'https://app.example');
  t.equal(preflight.headers['access-control-allow-methods'], 'GET,POST');
  t.equal(preflight.headers['access-control-allow-headers'], 'content-type,x-custom');
  t.equal(preflight.headers['access-control-max-age'], '600');
  t.equal(preflight.headers['access-control-allow-credentials'], 'true');

  const stranger = await rawRequest(server.url, {
    method: 'OPTIONS', path, headers: { origin: 'https://other.example', 'access-control-request-method': 'GET' },
  });
  t.equal(stranger.status, 200);
  t.equal(stranger.headers['access-control-allow-origin'], undefined, 'an origin not allowed gets no CORS headers');
  t.equal(stranger.body.toString(), '', 'and the function still does not run');

  const plainOptions = await rawRequest(server.url, { method: 'OPTIONS', path, headers: { origin: 'https://app.example' } });
  t.equal(plainOptions.body.toString(), 'ran OPTIONS', 'an OPTIONS that is no preflight goes to the function');
});

t.test('responses carry the configured CORS headers', async (t) => {
  const { lambda } = await startTestServer(t);
  const { url } = await functionWithUrl(lambda, 'cors-get', HANDLER, { Cors: CORS });

  const allowed = await fetch(url, { headers: { origin: 'https://app.example' } });
  t.equal(await allowed.text(), 'ran GET');
  t.equal(allowed.headers.get('access-control-allow-origin'), 'https://app.example', "the settings' origin, not the function's");
  t.equal(allowed.headers.get('access-control-allow-credentials'), 'true');
  t.equal(allowed.headers.get('access-control-expose-headers'), 'x-trace');
  t.equal(allowed.headers.get('x-trace'), 't-1', 'other headers of the function stay');
  t.match(allowed.headers.get('vary'), /Origin/);

  const other = await fetch(url, { headers: { origin: 'https://other.example' } });
  t.equal(await other.text(), 'ran GET', 'the function runs; the browser is what refuses the response');
  t.equal(other.headers.get('access-control-allow-origin'), null);

  await lambda.send(new UpdateFunctionUrlConfigCommand({ FunctionName: 'cors-get', Cors: { AllowOrigins: ['*'] } }));
  const any = await fetch(url, { headers: { origin: 'https://whoever.example' } });
  t.equal(any.headers.get('access-control-allow-origin'), '*', 'AllowOrigins * without credentials: *');
  t.equal(any.headers.get('access-control-allow-credentials'), null);
});

t.test('without CORS settings, the function answers preflights and its own headers pass', async (t) => {
  const { lambda, server } = await startTestServer(t);
  const { urlId } = await functionWithUrl(lambda, 'no-cors', HANDLER);
  const preflight = await rawRequest(server.url, {
    method: 'OPTIONS', path: `/lambda-url/${urlId}/`, headers: { origin: 'https://app.example', 'access-control-request-method': 'POST' },
  });
  t.equal(preflight.body.toString(), 'ran OPTIONS');
  t.equal(preflight.headers['access-control-allow-origin'], 'https://evil.example');
});
