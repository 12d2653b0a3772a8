// Put / Get / List / DeleteProvisionedConcurrencyConfig through the official SDK, with AWS's answers
// to the main mistakes ("Configuring provisioned concurrency"; messages as LocalStack's
// AWS-validated provider has them).
import {
  CreateAliasCommand,
  DeleteProvisionedConcurrencyConfigCommand,
  GetProvisionedConcurrencyConfigCommand,
  ListProvisionedConcurrencyConfigsCommand,
  PutFunctionConcurrencyCommand,
  PutProvisionedConcurrencyConfigCommand,
} from '@aws-sdk/client-lambda';
import t from 'tap';
import { rejection } from '../helpers/aws.js';
import { ACCOUNT_ARN } from '../helpers/invoke.js';
import { startTestServer } from '../helpers/server.js';
import { deployVersion, settled } from './helpers.js';

t.test('round trip on a version and an alias: put, get, list, delete', async (t) => {
  const { lambda } = await startTestServer(t);
  await deployVersion(lambda, 'round');
  await lambda.send(new CreateAliasCommand({ FunctionName: 'round', Name: 'live', FunctionVersion: '1' }));

  const put = await lambda.send(new PutProvisionedConcurrencyConfigCommand({ FunctionName: 'round', Qualifier: 'live', ProvisionedConcurrentExecutions: 2 }));
  t.equal(put.$metadata.httpStatusCode, 202);
  t.equal(put.RequestedProvisionedConcurrentExecutions, 2);
  t.equal(put.Status, 'IN_PROGRESS', 'allocation starts in progress');
  t.equal(put.AllocatedProvisionedConcurrentExecutions, 0);
  t.match(put.LastModified, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+0000$/);

  const ready = await settled(lambda, 'round', 'live');
  t.equal(ready.Status, 'READY');
  t.equal(ready.RequestedProvisionedConcurrentExecutions, 2);
  t.equal(ready.AllocatedProvisionedConcurrentExecutions, 2);
  t.equal(ready.AvailableProvisionedConcurrentExecutions, 2);
  t.equal(ready.LastModified, put.LastModified);

  const list = await lambda.send(new ListProvisionedConcurrencyConfigsCommand({ FunctionName: 'round' }));
  t.same(list.ProvisionedConcurrencyConfigs?.map((c) => [c.FunctionArn, c.RequestedProvisionedConcurrentExecutions, c.Status]), [
    [`${ACCOUNT_ARN}:round:live`, 2, 'READY'],
  ]);

  const del = await lambda.send(new DeleteProvisionedConcurrencyConfigCommand({ FunctionName: 'round', Qualifier: 'live' }));
  t.equal(del.$metadata.httpStatusCode, 204);
  const gone = await rejection(lambda.send(new GetProvisionedConcurrencyConfigCommand({ FunctionName: 'round', Qualifier: 'live' })));
  t.same(gone, { name: 'ProvisionedConcurrencyConfigNotFoundException', status: 404, message: 'No Provisioned Concurrency Config found for this function' });
  const empty = await lambda.send(new ListProvisionedConcurrencyConfigsCommand({ FunctionName: 'round' }));
  t.same(empty.ProvisionedConcurrencyConfigs, []);

  // On the version itself now that the alias has none.
  const onVersion = await lambda.send(new PutProvisionedConcurrencyConfigCommand({ FunctionName: 'round', Qualifier: '1', ProvisionedConcurrentExecutions: 1 }));
  t.equal(onVersion.Status, 'IN_PROGRESS');
  t.equal((await settled(lambda, 'round', '1')).Status, 'READY');
});

t.test('refused: $LATEST, no qualifier, an alias of $LATEST, unknown targets, bad counts', async (t) => {
  const { lambda } = await startTestServer(t);
  await deployVersion(lambda, 'rules');
  await lambda.send(new CreateAliasCommand({ FunctionName: 'rules', Name: 'head', FunctionVersion: '$LATEST' }));
  const put = (Qualifier: string | undefined, n = 1, FunctionName = 'rules') =>
    rejection(lambda.send(new PutProvisionedConcurrencyConfigCommand({ FunctionName, Qualifier, ProvisionedConcurrentExecutions: n })));
  const unpublished = {
    name: 'InvalidParameterValueException', status: 400,
    message: 'Provisioned Concurrency Configs cannot be applied to unpublished function versions.',
  };
  t.same(await put('$LATEST'), unpublished, '$LATEST');
  t.same(await put('head'), unpublished, 'an alias of $LATEST');
  t.same(await put(undefined), {
    name: 'ValidationException', status: 400,
    message: "1 validation error detected: Value null at 'qualifier' failed to satisfy constraint: Member must not be null",
  }, 'unqualified');
  t.same(await put('1', 0), {
    name: 'ValidationException', status: 400,
    message: "1 validation error detected: Value '0' at 'provisionedConcurrentExecutions' failed to satisfy constraint: Member must have value greater than or equal to 1",
  });
  t.same(await put('7'), { name: 'ResourceNotFoundException', status: 404, message: `Function not found: ${ACCOUNT_ARN}:rules:7` });
  t.same(await put('nope'), { name: 'ResourceNotFoundException', status: 404, message: `Cannot find alias arn: ${ACCOUNT_ARN}:rules:nope` });
  t.same(await put('1', 1, 'missing'), { name: 'ResourceNotFoundException', status: 404, message: `Function not found: ${ACCOUNT_ARN}:missing` });
  t.same(
    await rejection(lambda.send(new GetProvisionedConcurrencyConfigCommand({ FunctionName: 'rules', Qualifier: '$LATEST' }))),
    { name: 'InvalidParameterValueException', status: 400, message: 'The function resource provided must be an alias or a published version.' },
  );
  t.same(
    await rejection(lambda.send(new GetProvisionedConcurrencyConfigCommand({ FunctionName: 'rules', Qualifier: '1' }))),
    { name: 'ProvisionedConcurrencyConfigNotFoundException', status: 404, message: 'No Provisioned Concurrency Config found for this function' },
  );
  const del = await lambda.send(new DeleteProvisionedConcurrencyConfigCommand({ FunctionName: 'rules', Qualifier: '1' }));
  t.equal(del.$metadata.httpStatusCode, 204, 'deleting a configuration that does not exist is fine, as on AWS');
});

t.test('limits: not more than the reservation, and the account keeps 100 unreserved', async (t) => {
  const { lambda } = await startTestServer(t, { accountConcurrency: 110 });
  await deployVersion(lambda, 'limited');
  await lambda.send(new CreateAliasCommand({ FunctionName: 'limited', Name: 'live', FunctionVersion: '1' }));

  t.same(
    await rejection(lambda.send(new PutProvisionedConcurrencyConfigCommand({ FunctionName: 'limited', Qualifier: '1', ProvisionedConcurrentExecutions: 11 }))),
    {
      name: 'InvalidParameterValueException', status: 400,
      message: "Specified ConcurrentExecutions for function decreases account's UnreservedConcurrentExecution below its minimum value of [100].",
    },
  );
  await lambda.send(new PutFunctionConcurrencyCommand({ FunctionName: 'limited', ReservedConcurrentExecutions: 3 }));
  t.same(
    await rejection(lambda.send(new PutProvisionedConcurrencyConfigCommand({ FunctionName: 'limited', Qualifier: '1', ProvisionedConcurrentExecutions: 4 }))),
    {
      name: 'InvalidParameterValueException', status: 400,
      message: 'Requested Provisioned Concurrency should not be greater than the reservedConcurrentExecution for function',
    },
  );
  await lambda.send(new PutProvisionedConcurrencyConfigCommand({ FunctionName: 'limited', Qualifier: '1', ProvisionedConcurrentExecutions: 1 }));
  t.same(
    await rejection(lambda.send(new PutProvisionedConcurrencyConfigCommand({ FunctionName: 'limited', Qualifier: 'live', ProvisionedConcurrentExecutions: 1 }))),
    { name: 'ResourceConflictException', status: 409, message: "Alias can't be used for Provisioned Concurrency configuration on an already Provisioned version" },
    'one configuration per version',
  );
});
