// The event invoke configuration API through the SDK: Put / Get / Update / Delete / List per
// function, version and alias, and the errors AWS answers (LocalStack's AWS-recorded
// TestLambdaEventInvokeConfig snapshots give the messages).
import {
  CreateAliasCommand,
  DeleteAliasCommand,
  DeleteFunctionEventInvokeConfigCommand,
  GetFunctionEventInvokeConfigCommand,
  ListFunctionEventInvokeConfigsCommand,
  PublishVersionCommand,
  PutFunctionEventInvokeConfigCommand,
  UpdateFunctionEventInvokeConfigCommand,
  type LambdaClient,
} from '@aws-sdk/client-lambda';
import t from 'tap';
import { createFunction, rejection } from '../helpers/aws.js';
import { startTestServer } from '../helpers/server.js';
import { ARN } from './helpers.js';

const put = (lambda: LambdaClient, input: Omit<ConstructorParameters<typeof PutFunctionEventInvokeConfigCommand>[0], 'FunctionName'> & { FunctionName?: string }) =>
  lambda.send(new PutFunctionEventInvokeConfigCommand({ FunctionName: 'fn', ...input }));

const shape = ({ $metadata: _m, LastModified: _l, ...rest }: Record<string, unknown>) => rest;

t.test('put, get, update, list and delete per function, version and alias', async (t) => {
  const { lambda } = await startTestServer(t);
  await createFunction(lambda, 'fn');
  await createFunction(lambda, 'other');

  const beforeMs = Date.now();
  const retries = await put(lambda, { MaximumRetryAttempts: 0 });
  t.same(shape(retries), {
    FunctionArn: `${ARN}:fn:$LATEST`,
    MaximumRetryAttempts: 0,
    DestinationConfig: { OnSuccess: {}, OnFailure: {} },
  }, 'the unqualified function configures $LATEST; absent settings are left out');
  t.ok(retries.LastModified instanceof Date && retries.LastModified.getTime() >= beforeMs - 1000, 'LastModified is a timestamp');

  // Put replaces the whole configuration.
  const age = await put(lambda, { MaximumEventAgeInSeconds: 60 });
  t.same(shape(age), { FunctionArn: `${ARN}:fn:$LATEST`, MaximumEventAgeInSeconds: 60, DestinationConfig: { OnSuccess: {}, OnFailure: {} } });

  // Update changes only what it is given.
  const updated = await lambda.send(new UpdateFunctionEventInvokeConfigCommand({
    FunctionName: 'fn', MaximumRetryAttempts: 1, DestinationConfig: { OnSuccess: { Destination: `${ARN}:other` } },
  }));
  t.same(shape(updated), {
    FunctionArn: `${ARN}:fn:$LATEST`,
    MaximumRetryAttempts: 1,
    MaximumEventAgeInSeconds: 60,
    DestinationConfig: { OnSuccess: { Destination: `${ARN}:other` }, OnFailure: {} },
  });
  const got = await lambda.send(new GetFunctionEventInvokeConfigCommand({ FunctionName: 'fn', Qualifier: '$LATEST' }));
  t.same(shape(got), shape(updated), 'Get answers what Update stored');

  await lambda.send(new PublishVersionCommand({ FunctionName: 'fn' }));
  await lambda.send(new CreateAliasCommand({ FunctionName: 'fn', Name: 'live', FunctionVersion: '1' }));
  const noneYet = await rejection(lambda.send(new GetFunctionEventInvokeConfigCommand({ FunctionName: 'fn', Qualifier: '1' })));
  t.same(noneYet, { name: 'ResourceNotFoundException', status: 404, message: `The function ${ARN}:fn:1 doesn't have an EventInvokeConfig` });
  const v1 = await put(lambda, { FunctionName: `fn:1`, MaximumEventAgeInSeconds: 120 });
  t.equal(v1.FunctionArn, `${ARN}:fn:1`, 'a version, named in FunctionName');
  const alias = await put(lambda, { FunctionName: `${ARN}:fn:live`, MaximumRetryAttempts: 2, MaximumEventAgeInSeconds: 21600 });
  t.equal(alias.FunctionArn, `${ARN}:fn:live`, 'an alias, by its ARN');

  const page1 = await lambda.send(new ListFunctionEventInvokeConfigsCommand({ FunctionName: 'fn', MaxItems: 2 }));
  t.equal(page1.FunctionEventInvokeConfigs?.length, 2);
  t.ok(page1.NextMarker, 'a marker for the rest');
  const page2 = await lambda.send(new ListFunctionEventInvokeConfigsCommand({ FunctionName: 'fn', Marker: page1.NextMarker }));
  const arns = [...page1.FunctionEventInvokeConfigs!, ...page2.FunctionEventInvokeConfigs!].map((c) => c.FunctionArn).sort();
  t.same(arns, [`${ARN}:fn:$LATEST`, `${ARN}:fn:1`, `${ARN}:fn:live`].sort());
  t.equal(page2.NextMarker, undefined);

  await lambda.send(new DeleteAliasCommand({ FunctionName: 'fn', Name: 'live' }));
  const afterAlias = await lambda.send(new ListFunctionEventInvokeConfigsCommand({ FunctionName: 'fn' }));
  t.equal(afterAlias.FunctionEventInvokeConfigs?.length, 2, 'deleting the alias deletes its configuration');

  const deleted = await lambda.send(new DeleteFunctionEventInvokeConfigCommand({ FunctionName: 'fn', Qualifier: '1' }));
  t.equal(deleted.$metadata.httpStatusCode, 204);
  await lambda.send(new DeleteFunctionEventInvokeConfigCommand({ FunctionName: 'fn' }));
  const empty = await lambda.send(new ListFunctionEventInvokeConfigsCommand({ FunctionName: 'fn' }));
  t.same(empty.FunctionEventInvokeConfigs, []);
  const again = await rejection(lambda.send(new DeleteFunctionEventInvokeConfigCommand({ FunctionName: 'fn' })));
  t.same(again, { name: 'ResourceNotFoundException', status: 404, message: `The function ${ARN}:fn:$LATEST doesn't have an EventInvokeConfig` });
});

t.test('validation: AWS\'s types, codes and messages', async (t) => {
  const { lambda } = await startTestServer(t);
  await createFunction(lambda, 'fn');
  await createFunction(lambda, 'other');
  await lambda.send(new PublishVersionCommand({ FunctionName: 'fn' }));

  const cases: [string, () => Promise<unknown>, { name: string; status: number; message: string | RegExp }][] = [
    ['nothing to set', () => put(lambda, { FunctionName: 'doesnotexist' }),
      { name: 'InvalidParameterValueException', status: 400, message: 'You must specify at least one of error handling or destination setting.' }],
    ['unknown function', () => put(lambda, { FunctionName: 'doesnotexist', MaximumRetryAttempts: 1 }),
      { name: 'ResourceNotFoundException', status: 404, message: "The function doesn't exist." }],
    ['unknown function by ARN', () => put(lambda, { FunctionName: `${ARN}:doesnotexist`, MaximumRetryAttempts: 1 }),
      { name: 'ResourceNotFoundException', status: 404, message: "The function doesn't exist." }],
    ['unknown alias', () => put(lambda, { Qualifier: 'nope', MaximumRetryAttempts: 1 }),
      { name: 'ResourceNotFoundException', status: 404, message: "The function doesn't exist." }],
    ['qualifier mismatch', () => put(lambda, { FunctionName: 'fn:1', Qualifier: '$LATEST', MaximumRetryAttempts: 1 }),
      { name: 'InvalidParameterValueException', status: 400, message: 'The derived qualifier from the function name does not match the specified qualifier.' }],
    ['3 retries', () => put(lambda, { MaximumRetryAttempts: 3 }),
      { name: 'ValidationException', status: 400, message: "1 validation error detected: Value '3' at 'maximumRetryAttempts' failed to satisfy constraint: Member must have value less than or equal to 2" }],
    ['-1 retries', () => put(lambda, { MaximumRetryAttempts: -1 }),
      { name: 'ValidationException', status: 400, message: "1 validation error detected: Value '-1' at 'maximumRetryAttempts' failed to satisfy constraint: Member must have value greater than or equal to 0" }],
    ['59 s', () => put(lambda, { MaximumEventAgeInSeconds: 59 }),
      { name: 'ValidationException', status: 400, message: "1 validation error detected: Value '59' at 'maximumEventAgeInSeconds' failed to satisfy constraint: Member must have value greater than or equal to 60" }],
    ['21601 s', () => put(lambda, { MaximumEventAgeInSeconds: 21601 }),
      { name: 'ValidationException', status: 400, message: "1 validation error detected: Value '21601' at 'maximumEventAgeInSeconds' failed to satisfy constraint: Member must have value less than or equal to 21600" }],
    ['destination is not an ARN', () => put(lambda, { DestinationConfig: { OnFailure: { Destination: `arn:aws:_-/!lambda:us-east-1:000000000000:function:other` } } }),
      { name: 'ValidationException', status: 400, message: /^1 validation error detected: Value 'arn:aws:_-\/!lambda:us-east-1:000000000000:function:other' at 'destinationConfig.onFailure.destination' failed to satisfy constraint: Member must satisfy regular expression pattern: \$\|kafka:/ }],
    ['destination function missing', () => put(lambda, { DestinationConfig: { OnSuccess: { Destination: `${ARN}:doesnotexist` } } }),
      { name: 'InvalidParameterValueException', status: 400, message: `The destination ARN ${ARN}:doesnotexist is invalid.` }],
    ['itself as destination', () => put(lambda, { DestinationConfig: { OnSuccess: { Destination: `${ARN}:fn` } } }),
      { name: 'InvalidParameterValueException', status: 400, message: "You can't specify the function as a destination for itself." }],
    ['a service that is no destination', () => put(lambda, { DestinationConfig: { OnSuccess: { Destination: 'arn:aws:iam:us-east-1:000000000000:function:fn' } } }),
      { name: 'InvalidParameterValueException', status: 400, message: 'The provided destination config DestinationConfig(onSuccess=OnSuccess(destination=arn:aws:iam:us-east-1:000000000000:function:fn), onFailure=null) is invalid.' }],
    ['SQS without --sqs-endpoint', () => put(lambda, { DestinationConfig: { OnFailure: { Destination: 'arn:aws:sqs:us-east-1:000000000000:failures' } } }),
      { name: 'InvalidParameterValueException', status: 400, message: /SQS destination.*--sqs-endpoint \/ LAMBDALITE_SQS_ENDPOINT/ }],
    ['SNS without --sns-endpoint', () => put(lambda, { DestinationConfig: { OnSuccess: { Destination: 'arn:aws:sns:us-east-1:000000000000:topic' } } }),
      { name: 'InvalidParameterValueException', status: 400, message: /--sns-endpoint \/ LAMBDALITE_SNS_ENDPOINT/ }],
    ['EventBridge without --eventbridge-endpoint', () => put(lambda, { DestinationConfig: { OnSuccess: { Destination: 'arn:aws:events:us-east-1:000000000000:event-bus/default' } } }),
      { name: 'InvalidParameterValueException', status: 400, message: /--eventbridge-endpoint \/ LAMBDALITE_EVENTBRIDGE_ENDPOINT/ }],
    ['update without a configuration', () => lambda.send(new UpdateFunctionEventInvokeConfigCommand({ FunctionName: 'fn', Qualifier: '1', MaximumRetryAttempts: 0 })),
      { name: 'ResourceNotFoundException', status: 404, message: `The function ${ARN}:fn:1 doesn't have an EventInvokeConfig` }],
    ['update of an unknown function', () => lambda.send(new UpdateFunctionEventInvokeConfigCommand({ FunctionName: 'doesnotexist', MaximumRetryAttempts: 0 })),
      { name: 'ResourceNotFoundException', status: 404, message: "The function doesn't exist." }],
    ['get of an unknown function', () => lambda.send(new GetFunctionEventInvokeConfigCommand({ FunctionName: 'doesnotexist' })),
      { name: 'ResourceNotFoundException', status: 404, message: `The function ${ARN}:doesnotexist:$LATEST doesn't have an EventInvokeConfig` }],
    ['list of an unknown function', () => lambda.send(new ListFunctionEventInvokeConfigsCommand({ FunctionName: 'doesnotexist' })),
      { name: 'ResourceNotFoundException', status: 404, message: "The function doesn't exist." }],
    ['list of 51', () => lambda.send(new ListFunctionEventInvokeConfigsCommand({ FunctionName: 'fn', MaxItems: 51 })),
      { name: 'ValidationException', status: 400, message: "1 validation error detected: Value '51' at 'maxItems' failed to satisfy constraint: Member must have value less than or equal to 50" }],
  ];
  for (const [name, call, expected] of cases) {
    const seen = await rejection(call());
    if (typeof expected.message === 'string') t.same(seen, expected, name);
    else t.match(seen, expected, name);
  }

  const empty = await put(lambda, { DestinationConfig: { OnSuccess: {} } });
  t.same(shape(empty), { FunctionArn: `${ARN}:fn:$LATEST`, DestinationConfig: { OnSuccess: {}, OnFailure: {} } },
    'an empty destination is accepted and stored as none');
});
