// Versions and aliases through the official SDK: numbering, immutable snapshots, alias CRUD and
// AWS's rules for weighted routing (RoutingConfig.AdditionalVersionWeights).
import {
  CreateAliasCommand,
  DeleteAliasCommand,
  DeleteFunctionCommand,
  GetAliasCommand,
  GetFunctionConfigurationCommand,
  ListAliasesCommand,
  ListVersionsByFunctionCommand,
  PublishVersionCommand,
  UpdateAliasCommand,
  UpdateFunctionConfigurationCommand,
  type LambdaClient,
} from '@aws-sdk/client-lambda';
import t from 'tap';
import { createFunction, rejection } from '../helpers/aws.js';
import { startTestServer } from '../helpers/server.js';

const ARN = 'arn:aws:lambda:us-east-1:000000000000:function';

/** Changes $LATEST (so the next publish is a new version) and publishes it. */
async function changeAndPublish(lambda: LambdaClient, name: string, timeout: number) {
  await lambda.send(new UpdateFunctionConfigurationCommand({ FunctionName: name, Timeout: timeout }));
  return lambda.send(new PublishVersionCommand({ FunctionName: name }));
}

t.test('PublishVersion numbers versions per function and never reuses a number', async (t) => {
  const { lambda } = await startTestServer(t);
  await createFunction(lambda, 'nums');
  await createFunction(lambda, 'other');

  const v1 = await lambda.send(new PublishVersionCommand({ FunctionName: 'nums', Description: 'first cut' }));
  t.equal(v1.$metadata.httpStatusCode, 201);
  t.match(v1, { Version: '1', FunctionArn: `${ARN}:nums:1`, Description: 'first cut', State: 'Active' });
  const same = await lambda.send(new PublishVersionCommand({ FunctionName: 'nums' }));
  t.equal(same.Version, '1', 'nothing changed: the same version comes back');
  t.equal(same.RevisionId, v1.RevisionId);

  t.equal((await changeAndPublish(lambda, 'nums', 10)).Version, '2');
  t.equal((await lambda.send(new PublishVersionCommand({ FunctionName: 'other' }))).Version, '1', 'numbers are per function');

  await lambda.send(new DeleteFunctionCommand({ FunctionName: 'nums', Qualifier: '2' }));
  t.equal((await changeAndPublish(lambda, 'nums', 20)).Version, '3', 'the deleted highest number is not reused');

  const listed = await lambda.send(new ListVersionsByFunctionCommand({ FunctionName: 'nums' }));
  t.same(listed.Versions?.map((v) => v.Version), ['$LATEST', '1', '3']);
  t.same(listed.Versions?.map((v) => v.Timeout), [20, 3, 20]);
  t.equal(listed.Versions?.[0]?.FunctionArn, `${ARN}:nums:$LATEST`, '$LATEST listed with its qualified ARN');

  const paged = await lambda.send(new ListVersionsByFunctionCommand({ FunctionName: 'nums', MaxItems: 2 }));
  t.same(paged.Versions?.map((v) => v.Version), ['$LATEST', '1']);
  const rest = await lambda.send(new ListVersionsByFunctionCommand({ FunctionName: 'nums', Marker: paged.NextMarker }));
  t.same(rest.Versions?.map((v) => v.Version), ['3']);
  t.notOk(rest.NextMarker, 'no marker after the last page');

  const stale = await rejection(lambda.send(new PublishVersionCommand({ FunctionName: 'nums', CodeSha256: 'not-the-sha' })));
  t.match(stale, {
    name: 'InvalidParameterValueException',
    status: 400,
    message: `CodeSHA256 (not-the-sha) is different from current CodeSHA256 in $LATEST (${listed.Versions![0]!.CodeSha256}). Please try again with the CodeSHA256 in $LATEST.`,
  });
  const missing = await rejection(lambda.send(new ListVersionsByFunctionCommand({ FunctionName: 'ghost' })));
  t.match(missing, { name: 'ResourceNotFoundException', status: 404 });
});

t.test('a published version is an immutable snapshot of $LATEST', async (t) => {
  const { lambda } = await startTestServer(t);
  await createFunction(lambda, 'snap', { Environment: { Variables: { STAGE: 'one' } }, MemorySize: 256 });
  const v1 = await lambda.send(new PublishVersionCommand({ FunctionName: 'snap' }));
  await lambda.send(new UpdateFunctionConfigurationCommand({
    FunctionName: 'snap', Environment: { Variables: { STAGE: 'two' } }, MemorySize: 1024,
  }));

  const one = await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: 'snap', Qualifier: '1' }));
  t.same(one.Environment, { Variables: { STAGE: 'one' } }, 'version 1 keeps its environment');
  t.equal(one.MemorySize, 256);
  t.equal(one.RevisionId, v1.RevisionId, 'version 1 did not change at all');
  const latest = await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: 'snap' }));
  t.same(latest.Environment, { Variables: { STAGE: 'two' } });

  const v2 = await lambda.send(new PublishVersionCommand({ FunctionName: 'snap' }));
  t.equal(v2.Version, '2');
  t.same(v2.Environment, { Variables: { STAGE: 'two' } });
  const qualified = await rejection(lambda.send(new UpdateFunctionConfigurationCommand({ FunctionName: 'snap:1', Timeout: 9 })));
  t.match(qualified, { name: 'InvalidParameterValueException', status: 400 }, 'a version cannot be updated');
});

t.test('CreateAlias, GetAlias, UpdateAlias, ListAliases and DeleteAlias', async (t) => {
  const { lambda } = await startTestServer(t);
  await createFunction(lambda, 'aliased', { Publish: true });
  await changeAndPublish(lambda, 'aliased', 10);

  const created = await lambda.send(new CreateAliasCommand({ FunctionName: 'aliased', Name: 'live', FunctionVersion: '1', Description: 'production' }));
  t.equal(created.$metadata.httpStatusCode, 201);
  t.match(created, { AliasArn: `${ARN}:aliased:live`, Name: 'live', FunctionVersion: '1', Description: 'production' });
  t.notOk(created.RoutingConfig, 'no RoutingConfig without weights');
  const got = await lambda.send(new GetAliasCommand({ FunctionName: 'aliased', Name: 'live' }));
  t.same({ ...got, $metadata: undefined }, { ...created, $metadata: undefined }, 'GetAlias returns the same alias');
  const resolved = await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: 'aliased', Qualifier: 'live' }));
  t.equal(resolved.Version, '1', 'an alias qualifier resolves to its version');

  const twice = await rejection(lambda.send(new CreateAliasCommand({ FunctionName: 'aliased', Name: 'live', FunctionVersion: '2' })));
  t.match(twice, { name: 'ResourceConflictException', status: 409, message: `Alias already exists: ${ARN}:aliased:live` });

  const updated = await lambda.send(new UpdateAliasCommand({ FunctionName: 'aliased', Name: 'live', FunctionVersion: '2' }));
  t.match(updated, { FunctionVersion: '2', Description: 'production' });
  t.not(updated.RevisionId, created.RevisionId, 'RevisionId changes');

  await lambda.send(new CreateAliasCommand({ FunctionName: 'aliased', Name: 'beta', FunctionVersion: '$LATEST' }));
  const all = await lambda.send(new ListAliasesCommand({ FunctionName: 'aliased' }));
  t.same(all.Aliases?.map((a) => [a.Name, a.FunctionVersion]), [['beta', '$LATEST'], ['live', '2']]);
  const ofTwo = await lambda.send(new ListAliasesCommand({ FunctionName: 'aliased', FunctionVersion: '2' }));
  t.same(ofTwo.Aliases?.map((a) => a.Name), ['live'], 'FunctionVersion filters');

  const deleted = await lambda.send(new DeleteAliasCommand({ FunctionName: 'aliased', Name: 'beta' }));
  t.equal(deleted.$metadata.httpStatusCode, 204);
  const gone = await rejection(lambda.send(new GetAliasCommand({ FunctionName: 'aliased', Name: 'beta' })));
  t.match(gone, { name: 'ResourceNotFoundException', status: 404, message: `Cannot find alias arn: ${ARN}:aliased:beta` });
  const updateGone = await rejection(lambda.send(new UpdateAliasCommand({ FunctionName: 'aliased', Name: 'beta', Description: 'x' })));
  t.match(updateGone, { name: 'ResourceNotFoundException', status: 404, message: `Alias not found: ${ARN}:aliased:beta` });
  const deletedAgain = await lambda.send(new DeleteAliasCommand({ FunctionName: 'aliased', Name: 'beta' }));
  t.equal(deletedAgain.$metadata.httpStatusCode, 204, 'deleting a missing alias is not an error');

  const numeric = await rejection(lambda.send(new CreateAliasCommand({ FunctionName: 'aliased', Name: '123', FunctionVersion: '1' })));
  t.match(numeric, { name: 'ValidationException', status: 400, message: /'name'/ }, 'an all-digit alias name is refused');
  const noVersion = await rejection(lambda.send(new CreateAliasCommand({ FunctionName: 'aliased', Name: 'later', FunctionVersion: '7' })));
  t.match(noVersion, { name: 'ResourceNotFoundException', status: 404, message: `Function not found: ${ARN}:aliased:7` });
});

t.test('RoutingConfig.AdditionalVersionWeights is validated as AWS does', async (t) => {
  const { lambda } = await startTestServer(t);
  await createFunction(lambda, 'routed', { Publish: true });
  await changeAndPublish(lambda, 'routed', 10);
  await changeAndPublish(lambda, 'routed', 20);
  const alias = (FunctionVersion: string, weights: Record<string, number>) =>
    lambda.send(new CreateAliasCommand({
      FunctionName: 'routed', Name: 'canary', FunctionVersion, RoutingConfig: { AdditionalVersionWeights: weights },
    }));

  const refusals: [string, () => Promise<unknown>, object][] = [
    ['weight above 1', () => alias('1', { 2: 2 }), {
      name: 'ValidationException', status: 400,
      message: "1 validation error detected: Value '{2=2.0}' at 'routingConfig.additionalVersionWeights' failed to satisfy constraint: " +
        'Map value must satisfy constraint: [Member must have value less than or equal to 1.0, Member must have value greater than or equal to 0.0, Member must not be null]',
    }],
    ['weight below 0', () => alias('1', { 2: -0.1 }), { name: 'ValidationException', status: 400, message: /Value '\{2=-0\.1\}' at 'routingConfig\.additionalVersionWeights'/ }],
    ['weight for $LATEST', () => alias('1', { $LATEST: 0.5 }), { name: 'ValidationException', status: 400, message: /Value '\{\$LATEST=0\.5\}'.*Map keys must satisfy/ }],
    ['two extra versions', () => alias('1', { 2: 0.1, 3: 0.1 }), {
      name: 'InvalidParameterValueException', status: 400, message: 'Number of items in AdditionalVersionWeights cannot be greater than 1',
    }],
    ['routing with $LATEST', () => alias('$LATEST', { 2: 0.5 }), {
      name: 'InvalidParameterValueException', status: 400, message: '$LATEST is not supported for an alias pointing to more than 1 version',
    }],
    ['a version that does not exist', () => alias('1', { 9: 0.5 }), {
      name: 'ResourceNotFoundException', status: 404, message: `Function not found: ${ARN}:routed:9`,
    }],
    ['the primary version again', () => alias('1', { 1: 0.5 }), { name: 'InvalidParameterValueException', status: 400 }],
  ];
  for (const [what, call, expected] of refusals) t.match(await rejection(call()), expected, what);
  t.same((await lambda.send(new ListAliasesCommand({ FunctionName: 'routed' }))).Aliases, [], 'no alias was created');

  const canary = await alias('1', { 2: 0.25 });
  t.same(canary.RoutingConfig, { AdditionalVersionWeights: { 2: 0.25 } });
  const got = await lambda.send(new GetAliasCommand({ FunctionName: 'routed', Name: 'canary' }));
  t.same(got.RoutingConfig, { AdditionalVersionWeights: { 2: 0.25 } });

  const shifted = await lambda.send(new UpdateAliasCommand({
    FunctionName: 'routed', Name: 'canary', RoutingConfig: { AdditionalVersionWeights: { 3: 0.5 } },
  }));
  t.match(shifted, { FunctionVersion: '1', RoutingConfig: { AdditionalVersionWeights: { 3: 0.5 } } });
  const cleared = await lambda.send(new UpdateAliasCommand({ FunctionName: 'routed', Name: 'canary', RoutingConfig: { AdditionalVersionWeights: {} } }));
  t.notOk(cleared.RoutingConfig, 'empty weights clear the routing');
});

t.test('a version an alias points to cannot be deleted', async (t) => {
  const { lambda } = await startTestServer(t);
  await createFunction(lambda, 'pinned', { Publish: true });
  await changeAndPublish(lambda, 'pinned', 10);
  await lambda.send(new CreateAliasCommand({
    FunctionName: 'pinned', Name: 'live', FunctionVersion: '1', RoutingConfig: { AdditionalVersionWeights: { 2: 0.1 } },
  }));
  for (const version of ['1', '2']) {
    const err = await rejection(lambda.send(new DeleteFunctionCommand({ FunctionName: 'pinned', Qualifier: version })));
    t.match(err, { name: 'ResourceConflictException', status: 409, message: /\[live\]/ }, `version ${version}`);
  }
  await lambda.send(new DeleteAliasCommand({ FunctionName: 'pinned', Name: 'live' }));
  const ok = await lambda.send(new DeleteFunctionCommand({ FunctionName: 'pinned', Qualifier: '1' }));
  t.equal(ok.$metadata.httpStatusCode, 204, 'deletable once the alias is gone');
});
