// Where an async event's outcome goes ("Capturing records of Lambda asynchronous invocations"):
// OnSuccess / OnFailure destinations get AWS's invocation record, the dead-letter queue gets the
// event itself with RequestID / ErrorCode / ErrorMessage attributes. Destination functions run
// through our own queue; SQS is reached with the official SDK, here at a loopback listener that
// decodes its requests (no SQS server installs here).
import {
  DeleteFunctionCommand,
  PutFunctionConcurrencyCommand,
  PutFunctionEventInvokeConfigCommand,
  InvokeCommand,
} from '@aws-sdk/client-lambda';
import t from 'tap';
import { startTestServer } from '../helpers/server.js';
import { ARN, deployRecorder, invokeEvent, outFile, runs, sleep, awsListener, startClockedServer, TestClock, waitFor } from './helpers.js';

const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;
const UUID = /^[0-9a-f-]{36}$/;

t.test('OnSuccess and OnFailure records reach a destination function, field by field', async (t) => {
  const { lambda } = await startTestServer(t, { asyncRetryDelayMs: 100 });
  const source = outFile(t, 'source.jsonl');
  const records = outFile(t, 'records.jsonl');
  await deployRecorder(lambda, 'source', source);
  await deployRecorder(lambda, 'catcher', records);
  await lambda.send(new PutFunctionEventInvokeConfigCommand({
    FunctionName: 'source',
    MaximumRetryAttempts: 1,
    DestinationConfig: { OnSuccess: { Destination: `${ARN}:catcher` }, OnFailure: { Destination: `${ARN}:catcher` } },
  }));

  const ok = await invokeEvent(lambda, 'source', { id: 'good' });
  const bad = await invokeEvent(lambda, 'source', { id: 'bad', fail: true });
  const got = await waitFor('two records', () => runs(records).length === 2 && runs(records));
  const success = got.find((r) => r.event.requestContext.condition === 'Success')!.event;
  const failure = got.find((r) => r.event.requestContext.condition !== 'Success')!.event;

  t.same(Object.keys(success), ['version', 'timestamp', 'requestContext', 'requestPayload', 'responseContext', 'responsePayload']);
  t.equal(success.version, '1.0');
  t.match(success.timestamp, ISO);
  t.same(success.requestContext, {
    requestId: ok.$metadata.requestId,
    functionArn: `${ARN}:source:$LATEST`,
    condition: 'Success',
    approximateInvokeCount: 1,
  });
  t.same(success.requestPayload, { id: 'good' });
  t.same(success.responseContext, { statusCode: 200, executedVersion: '$LATEST' }, 'no functionError on success');
  t.same(success.responsePayload, { ok: 'good' });

  t.equal(failure.version, '1.0');
  t.match(failure.timestamp, ISO);
  t.same(failure.requestContext, {
    requestId: bad.$metadata.requestId,
    functionArn: `${ARN}:source:$LATEST`,
    condition: 'RetriesExhausted',
    approximateInvokeCount: 2,
  });
  t.same(failure.requestPayload, { id: 'bad', fail: true });
  t.same(failure.responseContext, { statusCode: 200, executedVersion: '$LATEST', functionError: 'Unhandled' });
  t.match(failure.responsePayload, { errorType: 'Error', errorMessage: 'failed on purpose: "bad"' });
  t.equal(runs(source).length, 3, 'the source ran 1 + 2 times');
  t.ok(got.every((r) => r.requestId !== ok.$metadata.requestId && r.requestId !== bad.$metadata.requestId),
    'a destination run has a request id of its own');
});

t.test('SQS: an OnSuccess record and a dead letter, as the SDK sends them', async (t) => {
  const sqs = await awsListener(t);
  const { lambda } = await startTestServer(t, { asyncRetryDelayMs: 100, sqsEndpoint: sqs.url });
  const out = outFile(t);
  const queueArn = 'arn:aws:sqs:us-east-1:000000000000:results';
  const dlqArn = 'arn:aws:sqs:us-east-1:000000000000:dead-letters';
  await deployRecorder(lambda, 'to-sqs', out, { DeadLetterConfig: { TargetArn: dlqArn } });
  await lambda.send(new PutFunctionEventInvokeConfigCommand({
    FunctionName: 'to-sqs', MaximumRetryAttempts: 0, DestinationConfig: { OnSuccess: { Destination: queueArn } },
  }));

  const ok = await invokeEvent(lambda, 'to-sqs', { id: 'fine' });
  const bad = await invokeEvent(lambda, 'to-sqs', { id: 'broken', fail: true });
  await waitFor('two SendMessage requests', () => sqs.requests.length === 2);

  t.ok(sqs.requests.every((r) => r.operation === 'AmazonSQS.SendMessage'), 'SendMessage, SQS JSON protocol');
  t.ok(sqs.requests.every((r) => /AWS4-HMAC-SHA256 Credential=\w+\/\d{8}\/us-east-1\/sqs\/aws4_request/.test(String(r.headers.authorization))),
    'signed for SQS in the queue\'s region');
  const record = sqs.requests.find((r) => r.body.QueueUrl.endsWith('/results'))!.body;
  t.equal(record.QueueUrl, `${sqs.url}/000000000000/results`, 'the queue URL at the configured endpoint');
  const body = JSON.parse(record.MessageBody);
  t.same(body.requestContext, { requestId: ok.$metadata.requestId, functionArn: `${ARN}:to-sqs:$LATEST`, condition: 'Success', approximateInvokeCount: 1 });
  t.same(body.requestPayload, { id: 'fine' });
  t.same(body.responsePayload, { ok: 'fine' });

  const letter = sqs.requests.find((r) => r.body.QueueUrl.endsWith('/dead-letters'))!.body;
  t.equal(letter.QueueUrl, `${sqs.url}/000000000000/dead-letters`);
  t.same(JSON.parse(letter.MessageBody), { id: 'broken', fail: true }, 'the dead letter is the event itself');
  t.same(letter.MessageAttributes, {
    RequestID: { DataType: 'String', StringValue: bad.$metadata.requestId },
    ErrorCode: { DataType: 'Number', StringValue: '200' },
    ErrorMessage: { DataType: 'String', StringValue: 'failed on purpose: "broken"' },
  });
});

t.test('EventAgeExceeded after an error: a 60 s maximum age leaves no time for the 1-minute retry', async (t) => {
  // AWS's own test_maxeventage: the default first retry delay (60 s) is past a 60 s maximum age,
  // so the failure is final after one run, with condition EventAgeExceeded.
  const { lambda } = await startTestServer(t);
  const out = outFile(t, 'source.jsonl');
  const records = outFile(t, 'records.jsonl');
  await deployRecorder(lambda, 'aging', out);
  await deployRecorder(lambda, 'catcher', records);
  await lambda.send(new PutFunctionEventInvokeConfigCommand({
    FunctionName: 'aging', MaximumRetryAttempts: 2, MaximumEventAgeInSeconds: 60,
    DestinationConfig: { OnFailure: { Destination: `${ARN}:catcher` } },
  }));
  await invokeEvent(lambda, 'aging', { id: 'old', fail: true });
  const [record] = await waitFor('the failure record', () => runs(records).length === 1 && runs(records));
  t.match(record!.event.requestContext, { condition: 'EventAgeExceeded', approximateInvokeCount: 1 });
  t.same(record!.event.responseContext, { statusCode: 200, executedVersion: '$LATEST', functionError: 'Unhandled' });
  t.equal(runs(out).length, 1, 'no retry was made');
});

t.test('EventAgeExceeded while throttled, with an injected clock', async (t) => {
  // Throttled events are retried with backoff until MaximumEventAgeInSeconds (60 s at least). The
  // test moves the queue's clock (startServer's `clock` option) instead of waiting a minute.
  const clock = new TestClock();
  const { lambda } = await startClockedServer(t, clock);
  const out = outFile(t, 'source.jsonl');
  const records = outFile(t, 'records.jsonl');
  await deployRecorder(lambda, 'busy', out);
  await deployRecorder(lambda, 'catcher', records);
  await lambda.send(new PutFunctionConcurrencyCommand({ FunctionName: 'busy', ReservedConcurrentExecutions: 1 }));
  await lambda.send(new PutFunctionEventInvokeConfigCommand({
    FunctionName: 'busy', MaximumEventAgeInSeconds: 60, DestinationConfig: { OnFailure: { Destination: `${ARN}:catcher` } },
  }));

  const holding = lambda.send(new InvokeCommand({ FunctionName: 'busy', Payload: Buffer.from(JSON.stringify({ id: 'sync', sleepMs: 6000 })) }));
  await waitFor('the synchronous run', () => runs(out).length === 1);
  const accepted = await invokeEvent(lambda, 'busy', { id: 'starved' });
  await sleep(700); // throttled once; its retry is due a second later
  clock.offsetMs += 61_000;
  const [record] = await waitFor('the failure record', () => runs(records).length === 1 && runs(records), 5000);
  t.same(record!.event.requestContext, {
    requestId: accepted.$metadata.requestId,
    functionArn: `${ARN}:busy:$LATEST`,
    condition: 'EventAgeExceeded',
    approximateInvokeCount: 0,
  });
  t.same(record!.event.requestPayload, { id: 'starved' });
  t.notOk('responseContext' in record!.event, 'it never ran, so there is no response');
  t.notOk('responsePayload' in record!.event);
  await holding;
  t.same(runs(out).map((r) => r.event.id), ['sync'], 'the starved event never ran');
});

t.test('reserved concurrency 0: events go straight to OnFailure, unrun (ZeroReservedConcurrency)', async (t) => {
  const { lambda } = await startTestServer(t);
  const out = outFile(t, 'source.jsonl');
  const records = outFile(t, 'records.jsonl');
  await deployRecorder(lambda, 'off', out);
  await deployRecorder(lambda, 'catcher', records);
  await lambda.send(new PutFunctionConcurrencyCommand({ FunctionName: 'off', ReservedConcurrentExecutions: 0 }));
  await lambda.send(new PutFunctionEventInvokeConfigCommand({
    FunctionName: 'off', MaximumRetryAttempts: 0, DestinationConfig: { OnFailure: { Destination: `${ARN}:catcher` } },
  }));
  await invokeEvent(lambda, 'off', { id: 'blocked' });
  const [record] = await waitFor('the failure record', () => runs(records).length === 1 && runs(records));
  t.match(record!.event.requestContext, { condition: 'ZeroReservedConcurrency', approximateInvokeCount: 0 });
  t.same(record!.event.requestPayload, { id: 'blocked' });
  t.notOk('responseContext' in record!.event);
  t.equal(runs(out).length, 0);
});

t.test('a destination function that is gone by then: the record is dropped, the event settles', async (t) => {
  const { lambda, server } = await startTestServer(t, { asyncRetryDelayMs: 100 });
  const out = outFile(t);
  await deployRecorder(lambda, 'src', out);
  await deployRecorder(lambda, 'short-lived', outFile(t, 'x.jsonl'));
  await lambda.send(new PutFunctionEventInvokeConfigCommand({ FunctionName: 'src', DestinationConfig: { OnSuccess: { Destination: `${ARN}:short-lived` } } }));
  await lambda.send(new DeleteFunctionCommand({ FunctionName: 'short-lived' }));
  await invokeEvent(lambda, 'src', { id: 'orphan-record' });
  await waitFor('the run', () => runs(out).length === 1);
  await waitFor('the queue to empty', () => server.services.asyncWorker.stats().running === 0);
  await sleep(300);
  t.equal(runs(out).length, 1, 'ran once, not retried because of the missing destination');
});

t.test('an outcome whose delivery was cut short by a stop is delivered after the restart, without a new run', async (t) => {
  const sqs = await awsListener(t, { answerFirst: false });
  const first = await startTestServer(t, { sqsEndpoint: sqs.url }, { keepData: true });
  const out = outFile(t);
  await deployRecorder(first.lambda, 'once', out);
  await first.lambda.send(new PutFunctionEventInvokeConfigCommand({
    FunctionName: 'once', DestinationConfig: { OnSuccess: { Destination: 'arn:aws:sqs:us-east-1:000000000000:results' } },
  }));
  const accepted = await invokeEvent(first.lambda, 'once', { id: 'deliver-me' });
  await waitFor('the run and the first SendMessage', () => runs(out).length === 1 && sqs.requests.length === 1);
  await first.stop();
  await sleep(500);
  t.equal(sqs.requests.length, 1, 'the stopped server sent nothing more (its hanging send was aborted)');
  const beforeRestart = sqs.requests.length;

  const second = await startTestServer(t, { sqsEndpoint: sqs.url, dataDir: first.dataDir });
  await waitFor('the SendMessage after the restart', () => sqs.requests.length > beforeRestart);
  const body = JSON.parse(sqs.requests[sqs.requests.length - 1]!.body.MessageBody);
  t.same(body.requestContext, { requestId: accepted.$metadata.requestId, functionArn: `${ARN}:once:$LATEST`, condition: 'Success', approximateInvokeCount: 1 });
  await waitFor('the queue to empty', () => second.server.services.asyncWorker.stats().queued === 0);
  t.equal(runs(out).length, 1, 'the function did not run again: only the delivery was left');
});

t.test('SNS and EventBridge destinations, and an SNS dead-letter topic, through their SDK clients', async (t) => {
  const aws = await awsListener(t);
  const { lambda } = await startTestServer(t, { snsEndpoint: aws.url, eventbridgeEndpoint: aws.url });
  const out = outFile(t);
  const topic = 'arn:aws:sns:us-east-1:000000000000:outcomes';
  const bus = 'arn:aws:events:us-east-1:000000000000:event-bus/results';
  await deployRecorder(lambda, 'fan', out, { DeadLetterConfig: { TargetArn: topic } });
  await lambda.send(new PutFunctionEventInvokeConfigCommand({
    FunctionName: 'fan', MaximumRetryAttempts: 0,
    DestinationConfig: { OnSuccess: { Destination: bus }, OnFailure: { Destination: topic } },
  }));
  const ok = await invokeEvent(lambda, 'fan', { id: 'to-bus' });
  const bad = await invokeEvent(lambda, 'fan', { id: 'to-topic', fail: true });
  await waitFor('PutEvents and two Publish requests', () => aws.requests.length === 3);

  const put = aws.requests.find((r) => r.operation === 'AWSEvents.PutEvents')!.body;
  t.equal(put.Entries.length, 1);
  const entry = put.Entries[0];
  t.match(entry, {
    Source: 'lambda',
    DetailType: 'Lambda Function Invocation Result - Success',
    EventBusName: bus,
    Resources: [`${ARN}:fan:$LATEST`],
  }, 'the event AWS puts on the bus');
  t.same(JSON.parse(entry.Detail).requestContext, { requestId: ok.$metadata.requestId, functionArn: `${ARN}:fan:$LATEST`, condition: 'Success', approximateInvokeCount: 1 });

  const published = aws.requests.filter((r) => r.operation === 'SNS.Publish').map((r) => r.body);
  t.ok(published.every((p) => p.TopicArn === topic));
  const record = published.find((p) => p.Message.startsWith('{"version"'));
  t.match(JSON.parse(record.Message), { requestContext: { requestId: bad.$metadata.requestId, condition: 'RetriesExhausted' } }, 'the OnFailure record');
  const letter = published.find((p) => !p.Message.startsWith('{"version"'));
  t.same(JSON.parse(letter.Message), { id: 'to-topic', fail: true }, 'the dead letter is the event itself');
  const attributes: Record<string, Record<string, string>> = {};
  for (let i = 1; letter[`MessageAttributes.entry.${i}.Name`]; i++) {
    attributes[letter[`MessageAttributes.entry.${i}.Name`]] = {
      DataType: letter[`MessageAttributes.entry.${i}.Value.DataType`],
      StringValue: letter[`MessageAttributes.entry.${i}.Value.StringValue`],
    };
  }
  t.same(attributes, {
    RequestID: { DataType: 'String', StringValue: bad.$metadata.requestId },
    ErrorCode: { DataType: 'Number', StringValue: '200' },
    ErrorMessage: { DataType: 'String', StringValue: 'failed on purpose: "to-topic"' },
  });
});
