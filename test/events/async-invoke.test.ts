// Accepting Event invocations through the SDK: 202 at once whatever the handler's duration, the run
// later, the same request id end to end, the 1 MB limit, InvokeAsync, and the checks an Event
// invoke still makes before answering.
import { InvokeAsyncCommand, InvokeCommand, PublishVersionCommand, CreateAliasCommand } from '@aws-sdk/client-lambda';
import t from 'tap';
import { rejection } from '../helpers/aws.js';
import { startTestServer } from '../helpers/server.js';
import { ARN, deployRecorder, invokeEvent, outFile, runs, waitFor } from './helpers.js';

t.test('Event: 202 within a second for a 3 s handler, the run comes later', async (t) => {
  const { lambda } = await startTestServer(t);
  const out = outFile(t);
  await deployRecorder(lambda, 'slow', out);

  const startedMs = Date.now();
  const res = await invokeEvent(lambda, 'slow', { id: 'later', sleepMs: 3000 });
  const tookMs = Date.now() - startedMs;
  t.equal(res.StatusCode, 202);
  t.ok(tookMs < 1000, `answered in ${tookMs} ms`);
  t.equal(res.Payload?.length ?? 0, 0, 'no payload');
  t.equal(res.ExecutedVersion, undefined, 'no version ran yet');
  t.equal(res.FunctionError, undefined);

  const [run] = await waitFor('the run', () => runs(out).length === 1 && runs(out));
  t.same(run!.event, { id: 'later', sleepMs: 3000 }, 'the handler got the event as sent');
  t.equal(run!.requestId, res.$metadata.requestId, "the function's awsRequestId is the Invoke's x-amzn-RequestId");
});

t.test('a qualified Event invoke runs that version or alias', async (t) => {
  const { lambda } = await startTestServer(t);
  const out = outFile(t);
  await deployRecorder(lambda, 'versioned', out, { env: { STAGE: 'one' } });
  await lambda.send(new PublishVersionCommand({ FunctionName: 'versioned' }));
  await lambda.send(new CreateAliasCommand({ FunctionName: 'versioned', Name: 'live', FunctionVersion: '1' }));
  await invokeEvent(lambda, 'versioned', { id: 'by-alias' }, 'live');
  await invokeEvent(lambda, `${ARN}:versioned:1`, { id: 'by-arn' });
  const seen = await waitFor('both runs', () => runs(out).length === 2 && runs(out));
  t.same(seen.map((r) => r.event.id).sort(), ['by-alias', 'by-arn']);
});

t.test('an Event invoke checks function, qualifier, payload and size before answering', async (t) => {
  const { lambda } = await startTestServer(t);
  const out = outFile(t);
  await deployRecorder(lambda, 'checked', out);

  const ghost = await rejection(invokeEvent(lambda, 'ghost', {}));
  t.same(ghost, { name: 'ResourceNotFoundException', status: 404, message: `Function not found: ${ARN}:ghost` });
  const badAlias = await rejection(invokeEvent(lambda, 'checked', {}, 'nope'));
  t.match(badAlias, { name: 'ResourceNotFoundException', status: 404, message: `Function not found: ${ARN}:checked:nope` });

  const notJson = await rejection(lambda.send(new InvokeCommand({ FunctionName: 'checked', InvocationType: 'Event', Payload: Buffer.from('{oops') })));
  t.match(notJson, { name: 'InvalidRequestContentException', status: 400 });

  // "Invoke": 1 MB for asynchronous invocations.
  const big = Buffer.from(JSON.stringify({ data: 'x'.repeat(1024 * 1024) }));
  const tooBig = await rejection(lambda.send(new InvokeCommand({ FunctionName: 'checked', InvocationType: 'Event', Payload: big })));
  t.same(tooBig, {
    name: 'RequestTooLargeException',
    status: 413,
    message: 'Request must be smaller than 1048576 bytes for the InvokeFunction operation',
  });
  const fits = Buffer.from(JSON.stringify({ id: 'fits', data: 'x'.repeat(1024 * 1024 - 100) }));
  const accepted = await lambda.send(new InvokeCommand({ FunctionName: 'checked', InvocationType: 'Event', Payload: fits }));
  t.equal(accepted.StatusCode, 202, 'just under 1 MB is accepted');
  const [run] = await waitFor('the run of the big event', () => runs(out).length === 1 && runs(out));
  t.equal(run!.event.data.length, 1024 * 1024 - 100, 'and runs whole');
});

t.test('InvokeAsync (deprecated): 202 and {"Status":202}, then the run', async (t) => {
  const { lambda, server } = await startTestServer(t);
  const out = outFile(t);
  await deployRecorder(lambda, 'legacy', out);

  const res = await lambda.send(new InvokeAsyncCommand({ FunctionName: 'legacy', InvokeArgs: Buffer.from(JSON.stringify({ id: 'old-api' })) }));
  t.equal(res.Status, 202);
  const raw = await fetch(`${server.url}/2014-11-13/functions/legacy/invoke-async/`, { method: 'POST', body: '{"id":"raw"}' });
  t.equal(raw.status, 202);
  t.same(await raw.json(), { Status: 202 });
  const seen = await waitFor('both runs', () => runs(out).length === 2 && runs(out));
  t.same(seen.map((r) => r.event.id).sort(), ['old-api', 'raw']);

  const ghost = await rejection(lambda.send(new InvokeAsyncCommand({ FunctionName: 'ghost', InvokeArgs: Buffer.from('{}') })));
  t.match(ghost, { name: 'ResourceNotFoundException', status: 404 });
});
