// Pure pieces of function URL serving, as tables of cases: which bodies are text, the
// requestContext.time format, the result → response mapping, and the signing credentials' settings.
import t from 'tap';
import { loadConfig } from '../../src/config.js';
import { isTextContentType, requestTime } from '../../src/function-urls/event.js';
import { fromFunctionResult } from '../../src/function-urls/response.js';

t.test('which Content-Types arrive as text', async (t) => {
  const cases: [string | undefined, boolean][] = [
    ['text/plain', true],
    ['text/html; charset=utf-8', true],
    ['TEXT/CSV', true],
    ['application/json', true],
    ['application/json; charset=utf-8', true],
    ['application/ld+json', true],
    ['application/xml', true],
    ['image/svg+xml', true],
    ['application/javascript', true],
    ['application/x-www-form-urlencoded', false],
    ['multipart/form-data; boundary=x', false],
    ['application/octet-stream', false],
    ['image/png', false],
    ['application/pdf', false],
    [undefined, false],
  ];
  for (const [type, text] of cases) t.equal(isTextContentType(type), text, String(type));
});

t.test('requestContext.time', async (t) => {
  t.equal(requestTime(Date.UTC(2020, 2, 12, 19, 3, 58, 390)), '12/Mar/2020:19:03:58 +0000', "AWS's documented example");
  t.equal(requestTime(Date.UTC(2024, 0, 5, 1, 2, 3)), '05/Jan/2024:01:02:03 +0000');
});

t.test('results → responses', async (t) => {
  const cases: { name: string; payload: unknown; error?: string; status: number; headers?: [string, string][]; body: string }[] = [
    { name: 'plain object', payload: { a: 1 }, status: 200, headers: [['content-type', 'application/json']], body: '{"a":1}' },
    { name: 'string', payload: 'hi', status: 200, headers: [['content-type', 'application/json']], body: 'hi' },
    { name: 'number', payload: 3, status: 200, body: '3' },
    { name: 'boolean', payload: true, status: 200, body: 'true' },
    { name: 'array', payload: [1, 'a'], status: 200, body: '[1,"a"]' },
    { name: 'null', payload: null, status: 200, body: 'null' },
    { name: 'response object', payload: { statusCode: 404, body: 'nope' }, status: 404, headers: [['content-type', 'application/json']], body: 'nope' },
    { name: 'status as a string', payload: { statusCode: '301', headers: { Location: '/x' } }, status: 301, headers: [['Location', '/x']], body: '' },
    { name: 'base64 body', payload: { statusCode: 200, body: Buffer.from('bytes').toString('base64'), isBase64Encoded: true }, status: 200, body: 'bytes' },
    { name: 'object body', payload: { statusCode: 200, body: { nested: true } }, status: 200, body: '{"nested":true}' },
    { name: 'cookies', payload: { statusCode: 200, cookies: ['a=1', 'b=2'] }, status: 200, headers: [['set-cookie', 'a=1'], ['set-cookie', 'b=2']], body: '' },
    { name: 'framing headers dropped', payload: { statusCode: 200, headers: { 'Content-Length': '99', 'x-ok': '1' }, body: 'ab' }, status: 200, headers: [['x-ok', '1']], body: 'ab' },
    { name: 'header value with a newline dropped', payload: { statusCode: 200, headers: { 'x-bad': 'a\r\nb' } }, status: 200, body: '' },
    { name: 'status out of range', payload: { statusCode: 99 }, status: 502, body: 'Internal Server Error' },
    { name: 'status not a number', payload: { statusCode: 'ok' }, status: 502, body: 'Internal Server Error' },
    { name: 'function error', payload: { errorMessage: 'boom' }, error: 'Unhandled', status: 502, body: 'Internal Server Error' },
  ];
  for (const c of cases) {
    const res = fromFunctionResult(Buffer.from(JSON.stringify(c.payload)), c.error);
    t.equal(res.statusCode, c.status, `${c.name}: status`);
    t.equal(res.body.toString(), c.body, `${c.name}: body`);
    for (const header of c.headers ?? []) t.ok(res.headers.some(([n, v]) => n === header[0] && v === header[1]), `${c.name}: ${header.join(': ')}`);
  }
  t.notOk(fromFunctionResult(Buffer.from('{"statusCode":200,"headers":{"x-bad":"a\\r\\nb"}}'), undefined).headers.some(([n]) => n === 'x-bad'));
  t.notOk(fromFunctionResult(Buffer.from('{"statusCode":200,"headers":{"Content-Length":"99"}}'), undefined).headers.some(([n]) => n === 'Content-Length'));
  t.equal(fromFunctionResult(Buffer.from('not json'), undefined).statusCode, 502, 'a payload that is not JSON');
  t.equal(fromFunctionResult(undefined, undefined).statusCode, 502, 'no payload at all');
});

t.test('the credentials AWS_IAM URLs are signed with are settings', async (t) => {
  t.match(loadConfig([], {}), { accessKeyId: 'test', secretAccessKey: 'test' });
  t.match(loadConfig(['--access-key-id', 'AKIDLOCAL', '--secret-access-key=s3cr3t/+x'], {}), { accessKeyId: 'AKIDLOCAL', secretAccessKey: 's3cr3t/+x' });
  t.match(loadConfig([], { LAMBDALITE_ACCESS_KEY_ID: 'AKIDENV', LAMBDALITE_SECRET_ACCESS_KEY: 'env-secret' }), { accessKeyId: 'AKIDENV', secretAccessKey: 'env-secret' });
  t.throws(() => loadConfig(['--secret-access-key', 'has space'], {}), { message: /--secret-access-key \/ LAMBDALITE_SECRET_ACCESS_KEY/ });
});
