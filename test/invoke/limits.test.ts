// The edges of Invoke as the API reference documents them: DryRun, unknown functions, the 6 MB
// request and response limits, non-JSON payloads, and a runtime this machine cannot run.
import { InvokeCommand } from '@aws-sdk/client-lambda';
import t from 'tap';
import { rejection } from '../helpers/aws.js';
import { ACCOUNT_ARN, deploy, invoke } from '../helpers/invoke.js';
import { startTestServer } from '../helpers/server.js';

const SIX_MB = 6 * 1024 * 1024;

const HANDLER = `
exports.handler = async (event) => {
  if (event.bigMb) return 'a'.repeat(event.bigMb * 1024 * 1024);
  return { pid: process.pid, size: JSON.stringify(event).length };
};
`;

t.test('DryRun answers 204 without running anything', async (t) => {
  const { lambda, server } = await startTestServer(t);
  await deploy(lambda, 'dry', { 'index.js': HANDLER });
  const startedMs = Date.now();
  const res = await invoke(lambda, 'dry', {}, { InvocationType: 'DryRun' });
  t.ok(Date.now() - startedMs < 5000, 'answered at once');
  t.equal(res.status, 204);
  t.equal(res.text, '', 'no payload');
  t.equal(res.functionError, undefined);
  t.same(server.engine.stats(), {}, 'no environment was started');

  const missing = await rejection(lambda.send(new InvokeCommand({ FunctionName: 'ghost', InvocationType: 'DryRun' })));
  t.match(missing, { name: 'ResourceNotFoundException', status: 404 }, 'DryRun still checks that the function exists');
});

t.test('an unknown function, version or alias: 404 ResourceNotFoundException', async (t) => {
  const { lambda } = await startTestServer(t);
  await deploy(lambda, 'known', { 'index.js': HANDLER });
  const ghost = await rejection(invoke(lambda, 'ghost', {}));
  t.same(ghost, { name: 'ResourceNotFoundException', status: 404, message: `Function not found: ${ACCOUNT_ARN}:ghost` });
  const version = await rejection(invoke(lambda, 'known', {}, { Qualifier: '7' }));
  t.match(version, { name: 'ResourceNotFoundException', status: 404, message: `Function not found: ${ACCOUNT_ARN}:known:7` });
  const alias = await rejection(invoke(lambda, 'known', {}, { Qualifier: 'prod' }));
  t.match(alias, { name: 'ResourceNotFoundException', status: 404, message: `Function not found: ${ACCOUNT_ARN}:known:prod` });
});

t.test('a request payload over 6 MB: 413 RequestTooLargeException; up to 6 MB is fine', async (t) => {
  const { lambda } = await startTestServer(t);
  await deploy(lambda, 'big-in', { 'index.js': HANDLER }, { Timeout: 10 });

  const tooBig = Buffer.from(JSON.stringify({ data: 'x'.repeat(SIX_MB) }));
  const err = await rejection(lambda.send(new InvokeCommand({ FunctionName: 'big-in', Payload: tooBig })));
  t.same(err, {
    name: 'RequestTooLargeException',
    status: 413,
    message: 'Request must be smaller than 6291456 bytes for the InvokeFunction operation',
  });

  const fits = { data: 'x'.repeat(SIX_MB - 100) }; // 6 MiB less the JSON around it
  const res = await invoke(lambda, 'big-in', fits);
  t.equal(res.functionError, undefined, `a payload just under the limit runs (${res.text.slice(0, 200)})`);
  t.equal(res.body.size, JSON.stringify(fits).length, 'and arrives whole');
});

t.test('a response over 6 MB: Function.ResponseSizeTooLarge, then the next invoke works', async (t) => {
  const { lambda } = await startTestServer(t);
  await deploy(lambda, 'big-out', { 'index.js': HANDLER }, { MemorySize: 512, Timeout: 10 });

  const first = await invoke(lambda, 'big-out', {});
  const res = await invoke(lambda, 'big-out', { bigMb: 7 });
  t.equal(res.status, 200);
  t.equal(res.functionError, 'Unhandled');
  t.same(res.body, {
    errorMessage: 'Response payload size exceeded maximum allowed payload size (6291556 bytes).',
    errorType: 'Function.ResponseSizeTooLarge',
  });

  const next = await invoke(lambda, 'big-out', {});
  t.equal(next.functionError, undefined, 'the next invoke works');
  t.equal(next.body.pid, first.body.pid, 'in the same environment: the runtime got a 413 and carried on');

  const almost = await invoke(lambda, 'big-out', { bigMb: 5 });
  t.equal(almost.functionError, undefined, 'a 5 MB response is fine');
  t.equal(almost.text.length, 5 * 1024 * 1024 + 2, 'and arrives whole');
});

t.test('a payload that is not JSON: 400 InvalidRequestContentException, nothing runs', async (t) => {
  const { lambda, server } = await startTestServer(t);
  await deploy(lambda, 'strict', { 'index.js': HANDLER });
  const err = await rejection(lambda.send(new InvokeCommand({ FunctionName: 'strict', Payload: Buffer.from('not json{') })));
  t.match(err, { name: 'InvalidRequestContentException', status: 400, message: /^Could not parse request body into json/ });
  t.same(server.engine.stats(), {}, 'no environment was started');

  const empty = await lambda.send(new InvokeCommand({ FunctionName: 'strict' }));
  t.equal(empty.StatusCode, 200, 'no payload at all is fine: the event is {}');
  t.equal(JSON.parse(Buffer.from(empty.Payload!).toString()).size, 2);
});

t.test('a runtime this machine cannot run fails the invoke at once with a clear reason', async (t) => {
  const { lambda, server } = await startTestServer(t);
  await deploy(lambda, 'javaish', { 'Handler.class': 'not really' }, { Runtime: 'java21', Handler: 'example.Handler::handleRequest' });
  const startedMs = Date.now();
  const err = await rejection(invoke(lambda, 'javaish', {}));
  t.ok(Date.now() - startedMs < 5000, 'answered at once, no hang');
  t.match(err, { name: 'InvalidRuntimeException', status: 502, message: /java21.*lambdalite has no runtime client for it/ });
  t.same(server.engine.stats(), {}, 'no environment was started');
});

t.test('InvocationType and LogType outside their enums: 400 ValidationException', async (t) => {
  const { lambda } = await startTestServer(t);
  await deploy(lambda, 'enum', { 'index.js': HANDLER });
  const type = await rejection(lambda.send(new InvokeCommand({ FunctionName: 'enum', InvocationType: 'Later' as 'Event' })));
  t.match(type, { name: 'ValidationException', status: 400, message: /Value 'Later' at 'invocationType' failed to satisfy constraint/ });
  const log = await rejection(lambda.send(new InvokeCommand({ FunctionName: 'enum', LogType: 'All' as 'Tail' })));
  t.match(log, { name: 'ValidationException', status: 400, message: /Value 'All' at 'logType' failed to satisfy constraint/ });
  const context = await rejection(lambda.send(new InvokeCommand({ FunctionName: 'enum', ClientContext: Buffer.from('[1]').toString('base64') })));
  t.match(context, { name: 'InvalidRequestContentException', status: 400, message: 'Client context must be a valid Base64-encoded JSON object.' });
});
