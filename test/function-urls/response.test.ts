// What a client of a function URL gets back, for each kind of result AWS maps ("Response payload
// format"): a response object honoured member by member, any other JSON as a 200 JSON body, a
// function error as 502, a throttle as 429.
import { PutFunctionConcurrencyCommand } from '@aws-sdk/client-lambda';
import t from 'tap';
import { startTestServer } from '../helpers/server.js';
import { functionWithUrl } from './helpers.js';

const RESULTS = `
exports.handler = async (event) => {
  switch (event.rawPath) {
    case '/full':
      return {
        statusCode: 201,
        headers: { 'Content-Type': 'text/html', 'X-Custom': 'yes', 'X-Number': 7 },
        cookies: ['a=1; Path=/', 'b=2; Max-Age=60'],
        body: '<p>made</p>',
        isBase64Encoded: false,
      };
    case '/binary':
      return { statusCode: 200, headers: { 'content-type': 'image/png' }, body: Buffer.from([0, 1, 2, 254, 255]).toString('base64'), isBase64Encoded: true };
    case '/teapot': return { statusCode: '418', body: "i'm a teapot" };
    case '/empty': return { statusCode: 204 };
    case '/object': return { hello: 'world', n: 1 };
    case '/string': return 'hello';
    case '/number': return 3.5;
    case '/list': return ['a', 1, true];
    case '/bad-status': return { statusCode: 'soon' };
    case '/throw': throw new Error('boom');
  }
  return null;
};
`;

t.test('results become HTTP responses as AWS maps them', async (t) => {
  const { lambda } = await startTestServer(t);
  const { url } = await functionWithUrl(lambda, 'results', RESULTS);
  const get = (path: string) => fetch(`${url}${path}`);

  const full = await get('full');
  t.equal(full.status, 201, 'statusCode honoured');
  t.equal(full.headers.get('content-type'), 'text/html');
  t.equal(full.headers.get('x-custom'), 'yes');
  t.equal(full.headers.get('x-number'), '7', 'a number header value is sent as text');
  t.same(full.headers.getSetCookie(), ['a=1; Path=/', 'b=2; Max-Age=60'], 'each cookie is a Set-Cookie header');
  t.equal(await full.text(), '<p>made</p>');

  const binary = await get('binary');
  t.equal(binary.headers.get('content-type'), 'image/png');
  t.same([...new Uint8Array(await binary.arrayBuffer())], [0, 1, 2, 254, 255], 'isBase64Encoded: the body is decoded to bytes');

  const teapot = await get('teapot');
  t.equal(teapot.status, 418, 'a statusCode string is a status too');
  t.equal(teapot.headers.get('content-type'), 'application/json', 'no Content-Type given: application/json');
  t.equal(await teapot.text(), "i'm a teapot");

  const empty = await get('empty');
  t.equal(empty.status, 204);
  t.equal(await empty.text(), '');

  const object = await get('object');
  t.equal(object.status, 200, 'an object without statusCode: 200');
  t.equal(object.headers.get('content-type'), 'application/json');
  t.equal(await object.text(), '{"hello":"world","n":1}', 'the object as JSON');

  const string = await get('string');
  t.equal(string.status, 200);
  t.equal(string.headers.get('content-type'), 'application/json');
  t.equal(await string.text(), 'hello', 'a string is the body as it is (not quoted)');
  t.equal(await (await get('number')).text(), '3.5');
  t.equal(await (await get('list')).text(), '["a",1,true]');
  t.equal(await (await get('nothing')).text(), 'null', 'a null result is the JSON null');

  const bad = await get('bad-status');
  t.equal(bad.status, 502, 'a statusCode that is no status: the response is malformed');

  const thrown = await get('throw');
  t.equal(thrown.status, 502, 'a function error is 502');
  t.equal(await thrown.text(), 'Internal Server Error', "AWS's body");
  t.equal(thrown.headers.get('x-amzn-requestid')?.length, 36, 'still with a request id');
});

t.test('a throttled invoke answers 429', async (t) => {
  const { lambda } = await startTestServer(t);
  const { url } = await functionWithUrl(lambda, 'throttled', 'exports.handler = async () => "ran";\n');
  t.equal(await (await fetch(url)).text(), 'ran');
  await lambda.send(new PutFunctionConcurrencyCommand({ FunctionName: 'throttled', ReservedConcurrentExecutions: 0 }));
  const res = await fetch(url);
  t.equal(res.status, 429);
  t.equal(res.headers.get('x-amzn-errortype'), 'TooManyRequestsException');
  t.match(await res.json(), { Message: String });
});
