// What a function behind a URL receives, from a plain HTTP client: the payload format 2.0 event as
// AWS documents it (rawPath, rawQueryString, cookies, headers, queryStringParameters,
// requestContext, body / isBase64Encoded), through the path form that FunctionUrl names and
// through AWS's host form.
import t from 'tap';
import { startTestServer } from '../helpers/server.js';
import { ECHO, functionWithUrl, rawRequest } from './helpers.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

t.test('a GET with a query string, cookies and headers becomes the 2.0 event', async (t) => {
  const { lambda, server } = await startTestServer(t);
  const { url, urlId } = await functionWithUrl(lambda, 'echo', ECHO);

  const before = Date.now();
  const res = await fetch(`${url}my/path%20x?a=1&a=2&b=x%2Fy&flag=&c=one+two`, {
    headers: { Cookie: 'session=abc; theme=dark', 'X-Custom': 'Value', 'User-Agent': 'url-test/1.0' },
  });
  t.equal(res.status, 200, 'a plain fetch of FunctionUrl works');
  t.equal(res.headers.get('content-type'), 'application/json', 'a result without statusCode is JSON');
  const event = await res.json();

  t.equal(event.version, '2.0');
  t.equal(event.routeKey, '$default');
  t.equal(event.rawPath, '/my/path%20x', 'rawPath: the path after the URL, as sent');
  t.equal(event.rawQueryString, 'a=1&a=2&b=x%2Fy&flag=&c=one+two', 'rawQueryString as sent');
  t.same(event.queryStringParameters, { a: '1,2', b: 'x/y', flag: '', c: 'one two' }, 'repeated keys joined by commas, values decoded');
  t.same(event.cookies, ['session=abc', 'theme=dark'], 'the Cookie header split into cookies');
  t.equal(event.headers.cookie, undefined, 'and left out of headers');
  t.equal(event.headers['x-custom'], 'Value', 'header names lower-cased');
  t.equal(event.headers['user-agent'], 'url-test/1.0');
  t.equal(event.headers['x-forwarded-proto'], 'http');
  t.equal(event.headers['x-forwarded-for'], '127.0.0.1');
  t.match(event.headers['x-amzn-trace-id'], /^Root=1-[0-9a-f]{8}-[0-9a-f]{24}$/);
  t.notOk('body' in event, 'no body, no body member');
  t.equal(event.isBase64Encoded, false);

  const rc = event.requestContext;
  t.equal(rc.accountId, 'anonymous', 'AUTH NONE: anonymous caller');
  t.equal(rc.apiId, urlId);
  t.equal(rc.domainPrefix, urlId);
  t.equal(rc.domainName, new URL(server.url).host);
  t.same(rc.http, { method: 'GET', path: '/my/path%20x', protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'url-test/1.0' });
  t.match(rc.requestId, UUID);
  t.equal(res.headers.get('x-amzn-requestid'), rc.requestId, 'the response names the same request id');
  t.equal(rc.routeKey, '$default');
  t.equal(rc.stage, '$default');
  t.ok(rc.timeEpoch >= before && rc.timeEpoch <= Date.now(), 'timeEpoch in ms');
  t.match(rc.time, /^\d{2}\/[A-Z][a-z]{2}\/\d{4}:\d{2}:\d{2}:\d{2} \+0000$/, 'time as 12/Mar/2020:19:03:58 +0000');
  t.equal(rc.authorizer, undefined, 'no authorizer for AUTH NONE');

  const root = await (await fetch(url.slice(0, -1))).json();
  t.equal(root.rawPath, '/', 'the URL without its trailing slash is the root path');
  t.equal(root.rawQueryString, '');
  t.equal(root.queryStringParameters, undefined, 'no query, no queryStringParameters');
  t.equal(root.cookies, undefined, 'no Cookie header, no cookies');
});

t.test('text bodies arrive as text, binary bodies base64-encoded with their bytes intact', async (t) => {
  const { lambda } = await startTestServer(t);
  const { url } = await functionWithUrl(lambda, 'bodies', ECHO);
  const post = async (body: string | Buffer, contentType?: string) =>
    (await fetch(url, { method: 'POST', body, headers: contentType ? { 'content-type': contentType } : {} })).json();

  const json = await post('{"hello":"wörld"}', 'application/json');
  t.equal(json.body, '{"hello":"wörld"}');
  t.equal(json.isBase64Encoded, false);
  const text = await post('plain text', 'text/plain; charset=utf-8');
  t.equal(text.body, 'plain text');
  t.equal(text.isBase64Encoded, false);
  t.equal((await post('<a/>', 'application/xml')).isBase64Encoded, false);
  t.equal((await post('{}', 'application/vnd.api+json')).isBase64Encoded, false);

  const bytes = Buffer.from(Array.from({ length: 2048 }, (_, i) => (i * 7 + 3) % 256));
  const binary = await post(bytes, 'application/octet-stream');
  t.equal(binary.isBase64Encoded, true, 'octet-stream is binary');
  t.ok(Buffer.from(binary.body, 'base64').equals(bytes), 'every byte arrives');
  t.equal(binary.headers['content-type'], 'application/octet-stream');
  const image = await post(bytes, 'image/png');
  t.equal(image.isBase64Encoded, true, 'images are binary');
  const form = await post('a=1&b=2', 'application/x-www-form-urlencoded');
  t.equal(form.isBase64Encoded, true, 'form posts arrive base64-encoded, as on AWS');
  t.equal(Buffer.from(form.body, 'base64').toString(), 'a=1&b=2');
  const notUtf8 = await post(Buffer.from([0xff, 0xfe, 0x41]), 'text/plain');
  t.equal(notUtf8.isBase64Encoded, true, '"text" that is not UTF-8 is sent base64, so its bytes survive');
  t.same([...Buffer.from(notUtf8.body, 'base64')], [0xff, 0xfe, 0x41]);

  const tooBig = await fetch(url, { method: 'POST', body: Buffer.alloc(6 * 1024 * 1024 + 1), headers: { 'content-type': 'application/octet-stream' } });
  t.equal(tooBig.status, 413, 'a body over 6 MB is refused');
  t.match(await tooBig.json(), { Message: /Request must be smaller than 6291456 bytes/ });
});

t.test('a request whose Host is <url-id>.lambda-url.<region>.<anything> is served by that URL, whatever its path', async (t) => {
  const { lambda, server } = await startTestServer(t);
  const { urlId } = await functionWithUrl(lambda, 'hosted', ECHO);
  const port = new URL(server.url).port;
  const host = `${urlId}.lambda-url.us-east-1.localhost:${port}`;

  const res = await rawRequest(server.url, {
    method: 'PUT',
    path: '/2015-03-31/functions?x=1',
    headers: { host, 'x-multi': ['a', 'b'], cookie: ['one=1', 'two=2; three=3'], 'content-type': 'text/plain' },
    body: 'over the host form',
  });
  t.equal(res.status, 200);
  const event = JSON.parse(res.body.toString());
  t.equal(event.rawPath, '/2015-03-31/functions', 'the path is the function\'s, even one the API also knows');
  t.same(event.queryStringParameters, { x: '1' });
  t.equal(event.headers['x-multi'], 'a,b', 'a header sent twice: its values joined by commas');
  t.same(event.cookies, ['one=1', 'two=2', 'three=3'], 'every Cookie header is split');
  t.equal(event.headers.host, host);
  t.equal(event.requestContext.domainName, host);
  t.equal(event.requestContext.domainPrefix, urlId);
  t.equal(event.requestContext.http.method, 'PUT');
  t.equal(event.body, 'over the host form');

  const upper = await rawRequest(server.url, { path: '/', headers: { host: `${urlId.toUpperCase()}.LAMBDA-URL.us-east-1.example.test` } });
  t.equal(upper.status, 200, 'host names are case-insensitive');

  const unknown = await rawRequest(server.url, { path: '/', headers: { host: `${'0'.repeat(32)}.lambda-url.us-east-1.localhost` } });
  t.equal(unknown.status, 403, 'a URL that does not exist: 403, as AWS answers');
  t.equal(unknown.headers['x-amzn-errortype'], 'AccessDeniedException');
  t.same(JSON.parse(unknown.body.toString()), { Message: null });
});
