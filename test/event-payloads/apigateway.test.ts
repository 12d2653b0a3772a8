// API Gateway proxy events, payload 1.0 (REST API, `aws-proxy`) and 2.0 (HTTP API,
// `http-api-proxy`), checked field for field against the API Gateway guide's examples.
import t, { type Test } from 'tap';
import { SERVICES } from '../../src/event-payloads/registry.js';
import { UsageError } from '../../src/event-payloads/template.js';

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

const NOW = new Date('2020-03-04T19:15:17.135Z');

function build(event: string, flags: Record<string, string> = {}): Json {
  const template = SERVICES.apigateway!.events[event]!;
  const values = Object.fromEntries(Object.entries(template.flags).map(([name, spec]) => [name, spec.defaultValue]));
  return JSON.parse(JSON.stringify(template.build({ ...values, ...flags }, NOW)));
}

const V1 = ['resource', 'path', 'httpMethod', 'headers', 'multiValueHeaders', 'queryStringParameters', 'multiValueQueryStringParameters', 'pathParameters', 'stageVariables', 'requestContext', 'body', 'isBase64Encoded'];
const V1_CONTEXT = ['resourceId', 'resourcePath', 'httpMethod', 'extendedRequestId', 'requestTime', 'path', 'accountId', 'protocol', 'stage', 'domainPrefix', 'requestTimeEpoch', 'requestId', 'identity', 'domainName', 'apiId'];
const IDENTITY = ['cognitoIdentityPoolId', 'accountId', 'cognitoIdentityId', 'caller', 'sourceIp', 'principalOrgId', 'accessKey', 'cognitoAuthenticationType', 'cognitoAuthenticationProvider', 'userArn', 'userAgent', 'user'];
const V2_CONTEXT = ['accountId', 'apiId', 'domainName', 'domainPrefix', 'http', 'requestId', 'routeKey', 'stage', 'time', 'timeEpoch'];

const sorted = (names: string[]) => [...names].sort();

/** rawQueryString read back as payload 2.0 groups it: repeated names joined with commas. */
function groupedRaw(raw: string): Record<string, string> {
  const grouped: Record<string, string[]> = {};
  for (const [name, value] of new URLSearchParams(raw)) (grouped[name] ??= []).push(value);
  return Object.fromEntries(Object.entries(grouped).map(([name, values]) => [name, values.join(',')]));
}

t.test('aws-proxy with its defaults: a REST API POST through /{proxy+}', async (t) => {
  const e = build('aws-proxy');
  t.same(Object.keys(e).sort(), sorted(V1));
  t.equal(e.resource, '/{proxy+}');
  t.equal(e.path, '/path/to/resource');
  t.equal(e.httpMethod, 'POST');
  t.same(e.pathParameters, { proxy: 'path/to/resource' }, 'the greedy variable without the leading slash');
  t.same(e.queryStringParameters, { foo: 'bar' });
  t.same(e.multiValueQueryStringParameters, { foo: ['bar'] });
  t.equal(e.stageVariables, null);
  t.equal(e.body, '{"test":"body"}');
  t.equal(e.isBase64Encoded, false);
  t.equal(e.headers.Host, '1234567890.execute-api.us-east-1.amazonaws.com');
  t.equal(e.headers['Content-Type'], 'application/json');
  t.match(e.headers['X-Amzn-Trace-Id'], /^Root=1-[0-9a-f]{8}-[0-9a-f]{24}$/);
  for (const [name, value] of Object.entries(e.headers)) t.same(e.multiValueHeaders[name], [value], `multiValueHeaders.${name}`);
  t.equal(Object.keys(e.multiValueHeaders).length, Object.keys(e.headers).length);

  const c = e.requestContext;
  t.same(Object.keys(c).sort(), sorted(V1_CONTEXT));
  t.same(Object.keys(c.identity).sort(), sorted(IDENTITY));
  t.equal(c.stage, 'prod');
  t.equal(c.path, '/prod/path/to/resource', "the stage is part of the context's path");
  t.equal(c.resourcePath, '/{proxy+}');
  t.equal(c.httpMethod, 'POST');
  t.equal(c.accountId, '123456789012');
  t.equal(c.protocol, 'HTTP/1.1');
  t.match(c.requestId, /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
  t.match(c.extendedRequestId, /^[A-Za-z0-9]{15}=$/);
  t.equal(c.requestTime, '04/Mar/2020:19:15:17 +0000');
  t.equal(c.requestTimeEpoch, NOW.getTime());
  t.equal(c.domainName, e.headers.Host);
  t.equal(c.identity.sourceIp, e.headers['X-Forwarded-For']);
  t.equal(c.identity.userAgent, e.headers['User-Agent']);
});

t.test('aws-proxy with flags: resource variables, repeated query names, no body', async (t) => {
  const e = build('aws-proxy', {
    resource: '/users/{id}/files/{name}', path: 'users/42/files/a.txt', method: 'get', stage: 'dev', body: '',
    querystringparameters: '{"tag": ["x", "y"], "q": "a b"}', 'account-id': '111122223333', 'dns-suffix': 'eu-west-1.amazonaws.com',
  });
  t.equal(e.path, '/users/42/files/a.txt', 'a leading slash is added, as SAM does');
  t.equal(e.httpMethod, 'GET');
  t.same(e.pathParameters, { id: '42', name: 'a.txt' });
  t.same(e.multiValueQueryStringParameters, { tag: ['x', 'y'], q: ['a b'] });
  t.same(e.queryStringParameters, { tag: 'y', q: 'a b' }, 'a REST API keeps the last value of a repeated name');
  t.equal(e.body, null);
  t.notOk('Content-Type' in e.headers, 'no content headers without a body');
  t.equal(e.requestContext.path, '/dev/users/42/files/a.txt');
  t.equal(e.requestContext.accountId, '111122223333');
  t.equal(e.headers.Host, '1234567890.execute-api.eu-west-1.amazonaws.com');
});

t.test('aws-proxy: no variables, no query → null, as API Gateway sends them', async (t) => {
  const e = build('aws-proxy', { resource: '/health', path: '/health', querystringparameters: '{}' });
  t.equal(e.pathParameters, null);
  t.equal(e.queryStringParameters, null);
  t.equal(e.multiValueQueryStringParameters, null);
});

t.test('http-api-proxy with its defaults: payload format 2.0 on the $default route', async (t) => {
  const e = build('http-api-proxy');
  t.same(Object.keys(e).sort(), sorted(['version', 'routeKey', 'rawPath', 'rawQueryString', 'cookies', 'headers', 'queryStringParameters', 'requestContext', 'body', 'isBase64Encoded']));
  t.equal(e.version, '2.0');
  t.equal(e.routeKey, '$default');
  t.equal(e.rawPath, '/path/to/resource');
  t.equal(e.rawQueryString, 'foo=bar');
  t.same(e.queryStringParameters, groupedRaw(e.rawQueryString));
  t.same(e.cookies, ['session=abc123', 'theme=dark']);
  t.notOk('cookie' in e.headers, 'cookies move out of the headers');
  for (const name of Object.keys(e.headers)) t.equal(name, name.toLowerCase(), `header ${name} is lower case`);
  t.equal(e.headers['content-length'], String(Buffer.byteLength(e.body)));
  t.equal(e.body, '{"test":"body"}');
  t.equal(e.isBase64Encoded, false);
  const c = e.requestContext;
  t.same(Object.keys(c).sort(), sorted(V2_CONTEXT));
  t.same(c.http, { method: 'POST', path: '/path/to/resource', protocol: 'HTTP/1.1', sourceIp: e.headers['x-forwarded-for'], userAgent: e.headers['user-agent'] });
  t.equal(c.routeKey, '$default');
  t.equal(c.stage, '$default');
  t.equal(c.time, '04/Mar/2020:19:15:17 +0000');
  t.equal(c.timeEpoch, NOW.getTime());
  t.match(c.requestId, /^[A-Za-z0-9]{15}=$/);
  t.equal(c.domainName, e.headers.host);
});

t.test('http-api-proxy with flags: a named stage, a route with a variable, a repeated query name', async (t) => {
  const e = build('http-api-proxy', {
    stage: 'dev', 'route-key': 'ANY /items/{id}', path: '/items/7', method: 'put', cookies: '', body: '',
    querystringparameters: '{"a": ["1", "x y"], "b": "c&d"}',
  });
  t.equal(e.rawPath, '/dev/items/7', 'a named stage is part of the path');
  t.equal(e.requestContext.http.path, '/dev/items/7');
  t.equal(e.requestContext.http.method, 'PUT');
  t.same(e.pathParameters, { id: '7' });
  t.equal(e.rawQueryString, 'a=1&a=x%20y&b=c%26d');
  t.same(e.queryStringParameters, { a: '1,x y', b: 'c&d' }, 'repeated names joined with commas');
  t.same(e.queryStringParameters, groupedRaw(e.rawQueryString), 'rawQueryString and queryStringParameters agree');
  t.notOk('cookies' in e, 'no cookies field without cookies');
  t.notOk('body' in e, 'no body field without a body');
  t.notOk('content-type' in e.headers);
});

t.test('http-api-proxy: no query → empty rawQueryString and no queryStringParameters', async (t) => {
  const e = build('http-api-proxy', { querystringparameters: '' });
  t.equal(e.rawQueryString, '');
  t.notOk('queryStringParameters' in e);
});

const bad: Array<[string, string, Record<string, string>, RegExp]> = [
  ['a path the resource cannot match', 'aws-proxy', { resource: '/users/{id}', path: '/orders/1' }, /does not match the resource/],
  ['a greedy variable needs a segment', 'aws-proxy', { resource: '/{proxy+}', path: '/' }, /does not match/],
  ['a query that is not JSON', 'aws-proxy', { querystringparameters: 'foo=bar' }, /expected a JSON object/],
  ['a query value that is a number', 'http-api-proxy', { querystringparameters: '{"n": 1}' }, /'n' must be a string or a list of strings/],
  ['a malformed route key', 'http-api-proxy', { 'route-key': '/items' }, /expected '\$default' or 'METHOD \/path'/],
  ['a route key for another method', 'http-api-proxy', { 'route-key': 'GET /path/to/resource' }, /does not match the method POST/],
];

t.test('bad flag values are usage errors that say what is wrong', async (t: Test) => {
  for (const [name, event, flags, message] of bad) {
    t.throws(() => build(event, flags), { name: 'UsageError', message }, name);
  }
  t.ok(new UsageError('x') instanceof Error);
});
