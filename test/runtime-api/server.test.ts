// The Runtime API on its own, driven over HTTP as a runtime would, with a recording listener:
// status codes and bodies follow the AWS Lambda Runtime Interface Emulator.
import { connect } from 'node:net';
import t from 'tap';
import type { RuntimeEvent } from '../../src/runtime-api/session.js';
import { harness } from './helpers.js';

const event = (requestId: string, payload = '{"k":1}'): RuntimeEvent => ({
  requestId,
  payload: Buffer.from(payload),
  deadlineMs: 1_700_000_000_000,
  invokedFunctionArn: 'arn:aws:lambda:us-east-1:000000000000:function:f:live',
  traceId: 'Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1',
  clientContext: '{"custom":{"a":"b"}}',
  cognitoIdentity: undefined,
});

const post = (url: string, body: string | Uint8Array<ArrayBuffer>, headers: Record<string, string> = {}) =>
  fetch(url, { method: 'POST', body, headers });

t.test('/next long-polls until an event is dispatched, with the AWS headers', async (t) => {
  const { api, calls, base } = await harness(t);
  const next = fetch(`${base}/invocation/next`);
  await new Promise((r) => setTimeout(r, 50));
  t.same(calls, [['ready']], 'the first /next ends init');
  t.equal(api.session.state, 'Ready');
  api.session.dispatch(event('id-1'));
  const res = await next;
  t.equal(res.status, 200);
  t.equal(await res.text(), '{"k":1}');
  t.equal(res.headers.get('lambda-runtime-aws-request-id'), 'id-1');
  t.equal(res.headers.get('lambda-runtime-deadline-ms'), '1700000000000');
  t.equal(res.headers.get('lambda-runtime-invoked-function-arn'), 'arn:aws:lambda:us-east-1:000000000000:function:f:live');
  t.equal(res.headers.get('lambda-runtime-trace-id'), 'Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1');
  t.equal(res.headers.get('lambda-runtime-client-context'), '{"custom":{"a":"b"}}');
  t.equal(res.headers.get('lambda-runtime-cognito-identity'), null, 'absent when there is none');
  t.equal(res.headers.get('content-type'), 'application/json');
});

t.test('an event dispatched before the poll is delivered by the poll; re-polling in flight gets it again', async (t) => {
  const { api, base } = await harness(t);
  api.session.move('Ready');
  api.session.dispatch(event('id-2'));
  const first = await fetch(`${base}/invocation/next`);
  t.equal(first.headers.get('lambda-runtime-aws-request-id'), 'id-2');
  await first.arrayBuffer();
  const again = await fetch(`${base}/invocation/next`);
  t.equal(again.status, 200, 'the RIE renders the in-flight invoke again');
  t.equal(again.headers.get('lambda-runtime-aws-request-id'), 'id-2');
  await again.arrayBuffer();
});

t.test('response: 202, then wrong id → 400 InvalidRequestID, double response → 403', async (t) => {
  const { api, calls, base } = await harness(t);
  const next = fetch(`${base}/invocation/next`);
  await new Promise((r) => setTimeout(r, 20));
  api.session.dispatch(event('id-3'));
  await (await next).arrayBuffer();

  const wrong = await post(`${base}/invocation/not-the-id/response`, '"x"');
  t.equal(wrong.status, 400);
  t.same(await wrong.json(), { errorMessage: 'Invalid request ID', errorType: 'InvalidRequestID' });
  t.equal(api.session.state, 'Running', 'a wrong id does not wedge the runtime');

  const ok = await post(`${base}/invocation/id-3/response`, '{"answer":42}');
  t.equal(ok.status, 202);
  t.same(await ok.json(), { status: 'OK' });
  t.same(calls.at(-1), ['response', 'id-3', '{"answer":42}']);

  const twice = await post(`${base}/invocation/id-3/response`, '{"answer":43}');
  t.equal(twice.status, 403);
  t.same(await twice.json(), {
    errorMessage: 'State transition from RuntimeResponseSentState to InvocationResponse failed for runtime. Error: State transition is not allowed',
    errorType: 'InvalidStateTransition',
  });
  const errAfter = await post(`${base}/invocation/id-3/error`, '{}');
  t.equal(errAfter.status, 403);
  t.match(await errAfter.json(), { errorType: 'InvalidStateTransition', errorMessage: /to InvocationErrorResponse failed/ });
});

t.test('a response before any event is an invalid state transition', async (t) => {
  const { base } = await harness(t);
  const res = await post(`${base}/invocation/anything/response`, '{}');
  t.equal(res.status, 403);
  t.match(await res.json(), { errorMessage: 'State transition from Started to InvocationResponse failed for runtime. Error: State transition is not allowed' });
});

t.test('error: JSON body, header type, non-JSON body', async (t) => {
  const { api, calls, base } = await harness(t);
  const cases = [
    { body: '{"errorMessage":"boom","errorType":"TypeError","stackTrace":["at x"]}', header: undefined, type: 'TypeError' },
    { body: 'plain text failure', header: 'Runtime.HandlerFailed', type: 'Runtime.HandlerFailed' },
    { body: 'not json either', header: undefined, type: 'Runtime.Unknown' },
  ];
  for (const [i, c] of cases.entries()) {
    const next = fetch(`${base}/invocation/next`);
    await new Promise((r) => setTimeout(r, 20));
    api.session.dispatch(event(`err-${i}`));
    await (await next).arrayBuffer();
    const headers: Record<string, string> = c.header ? { 'Lambda-Runtime-Function-Error-Type': c.header } : {};
    const res = await post(`${base}/invocation/err-${i}/error`, c.body, headers);
    t.equal(res.status, 202, `case ${i}`);
    t.same(calls.at(-1), ['error', `err-${i}`, c.type, c.body], `case ${i}: body kept as posted`);
  }
});

t.test('a response over 6 MB → 413 to the runtime, Function.ResponseSizeTooLarge to the environment', async (t) => {
  const { api, calls, base } = await harness(t);
  const next = fetch(`${base}/invocation/next`);
  await new Promise((r) => setTimeout(r, 20));
  api.session.dispatch(event('big'));
  await (await next).arrayBuffer();
  const res = await post(`${base}/invocation/big/response`, new Uint8Array(6_291_457).fill(97));
  t.equal(res.status, 413);
  t.same(await res.json(), { errorMessage: 'Exceeded maximum allowed payload size (6291456 bytes).', errorType: 'RequestEntityTooLarge' });
  t.same(calls.at(-1), ['responseTooLarge', 'big']);
  t.equal(api.session.state, 'RuntimeResponseSentState', 'the runtime may poll again');
});

t.test('exactly 6 MB is still accepted', async (t) => {
  const { api, calls, base } = await harness(t);
  const next = fetch(`${base}/invocation/next`);
  await new Promise((r) => setTimeout(r, 20));
  api.session.dispatch(event('six'));
  await (await next).arrayBuffer();
  const res = await post(`${base}/invocation/six/response`, new Uint8Array(6_291_456).fill(97));
  t.equal(res.status, 202);
  t.equal(calls.at(-1)?.[0], 'response');
  t.equal((calls.at(-1)?.[2] as string).length, 6_291_456);
});

t.test('init/error before the first /next fails init; after it → 403', async (t) => {
  const { calls, base } = await harness(t);
  const body = '{"errorType":"Runtime.ImportModuleError","errorMessage":"nope"}';
  const res = await post(`${base}/init/error`, body, { 'Lambda-Runtime-Function-Error-Type': 'Runtime.ImportModuleError' });
  t.equal(res.status, 202);
  t.same(calls, [['initError', 'Runtime.ImportModuleError', body]]);
  const next = await fetch(`${base}/invocation/next`);
  t.equal(next.status, 403, 'no /next after an init error');
  t.match(await next.json(), { errorMessage: 'State transition from InitError to Ready failed for runtime. Error: State transition is not allowed' });

  const other = await harness(t);
  const poll = fetch(`${other.base}/invocation/next`);
  await new Promise((r) => setTimeout(r, 20));
  const late = await post(`${other.base}/init/error`, body);
  t.equal(late.status, 403);
  t.same(await late.json(), {
    errorMessage: 'State transition from Ready to InitError failed for runtime. Error: State transition is not allowed',
    errorType: 'InvalidStateTransition',
  });
  other.api.session.dispatch(event('after'));
  await (await poll).arrayBuffer();
});

t.test('unknown paths and methods', async (t) => {
  const { base } = await harness(t);
  t.equal((await fetch(`${base}/nothing`)).status, 404);
  t.equal((await post(`${base}/invocation/next`, '')).status, 405);
});

t.test('a /next pipelined behind the answer waits for it; the 202 then goes out with the next event', async (t) => {
  const { api, calls } = await harness(t);
  const [host, port] = api.address.split(':');
  const socket = connect({ host, port: Number(port) });
  t.teardown(() => socket.destroy());
  let received = '';
  socket.on('data', (chunk: Buffer) => (received += chunk.toString('latin1')));
  const next = `GET /2018-06-01/runtime/invocation/next HTTP/1.1\r\nHost: x\r\n\r\n`;
  socket.write(next);
  await new Promise((r) => setTimeout(r, 50));
  api.session.dispatch(event('id-p', '{"n":1}'));
  await new Promise((r) => setTimeout(r, 50));
  t.match(received, /^HTTP\/1\.1 200 [^]*\r\n\r\n\{"n":1\}$/, 'the first event');
  received = '';
  // The answer's body arrives in two writes, so the pipelined /next is parsed while it is still
  // being read; it must not be refused as an invalid state transition.
  const body = '{"answer":42}';
  socket.write(`POST /2018-06-01/runtime/invocation/id-p/response HTTP/1.1\r\nHost: x\r\nContent-Length: ${body.length}\r\n\r\n{"ans`);
  await new Promise((r) => setTimeout(r, 20));
  socket.write(`wer":42}${next}`);
  await new Promise((r) => setTimeout(r, 50));
  t.equal(received, '', 'the runtime is not woken for the 202 alone');
  t.same(calls, [['ready'], ['response', 'id-p', body], ['ready']], 'the answer, then the runtime is ready again');
  t.equal(api.session.state, 'Ready');
  api.session.dispatch(event('id-q', '{"n":2}'));
  await new Promise((r) => setTimeout(r, 50));
  t.match(
    received,
    /^HTTP\/1\.1 202 [^]*\{"status":"OK"\}\nHTTP\/1\.1 200 [^]*lambda-runtime-aws-request-id: id-q[^]*\{"n":2\}$/i,
    'the 202, then the next event to the parked /next',
  );
});
