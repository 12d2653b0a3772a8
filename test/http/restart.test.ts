// Everything a user created survives a restart on the same data directory (DESIGN.md, "State"):
// functions, code, versions, aliases with routing, tags, policies and reserved concurrency.
import {
  AddPermissionCommand,
  CreateAliasCommand,
  DeleteFunctionCommand,
  GetAccountSettingsCommand,
  GetAliasCommand,
  GetFunctionCommand,
  GetFunctionConfigurationCommand,
  GetPolicyCommand,
  ListFunctionsCommand,
  ListVersionsByFunctionCommand,
  PublishVersionCommand,
  PutFunctionConcurrencyCommand,
  UpdateFunctionConfigurationCommand,
} from '@aws-sdk/client-lambda';
import t from 'tap';
import { createFunction } from '../helpers/aws.js';
import { startTestServer, zip } from '../helpers/server.js';

const ARN = 'arn:aws:lambda:us-east-1:000000000000:function';

t.test('a restart on the same data directory keeps everything', async (t) => {
  const first = await startTestServer(t, {}, { keepData: true });
  const code = await zip({ 'index.js': 'exports.handler = async () => "kept";\n' });
  const lambda1 = first.lambda;
  const created = await createFunction(lambda1, 'durable', {
    Code: { ZipFile: code }, Environment: { Variables: { STAGE: 'one' } }, Tags: { team: 'core' },
  });
  await createFunction(lambda1, 'second');
  await lambda1.send(new PublishVersionCommand({ FunctionName: 'durable' }));
  await lambda1.send(new UpdateFunctionConfigurationCommand({ FunctionName: 'durable', Environment: { Variables: { STAGE: 'two' } } }));
  await lambda1.send(new PublishVersionCommand({ FunctionName: 'durable' }));
  await lambda1.send(new UpdateFunctionConfigurationCommand({ FunctionName: 'durable', Environment: { Variables: { STAGE: 'three' } } }));
  await lambda1.send(new PublishVersionCommand({ FunctionName: 'durable' }));
  await lambda1.send(new DeleteFunctionCommand({ FunctionName: 'durable', Qualifier: '3' }));
  await lambda1.send(new CreateAliasCommand({
    FunctionName: 'durable', Name: 'live', FunctionVersion: '1', Description: 'prod',
    RoutingConfig: { AdditionalVersionWeights: { 2: 0.3 } },
  }));
  await lambda1.send(new AddPermissionCommand({
    FunctionName: 'durable', StatementId: 'sns', Action: 'lambda:InvokeFunction', Principal: 'sns.amazonaws.com',
  }));
  await lambda1.send(new PutFunctionConcurrencyCommand({ FunctionName: 'durable', ReservedConcurrentExecutions: 25 }));
  const aliasBefore = await lambda1.send(new GetAliasCommand({ FunctionName: 'durable', Name: 'live' }));
  const latestBefore = await lambda1.send(new GetFunctionConfigurationCommand({ FunctionName: 'durable' }));
  await first.stop();

  const second = await startTestServer(t, { dataDir: first.dataDir });
  const lambda = second.lambda;

  const names = (await lambda.send(new ListFunctionsCommand({}))).Functions?.map((f) => f.FunctionName);
  t.same(names, ['durable', 'second']);
  const got = await lambda.send(new GetFunctionCommand({ FunctionName: 'durable' }));
  t.match(got.Configuration, {
    CodeSha256: created.CodeSha256, Environment: { Variables: { STAGE: 'three' } }, RevisionId: latestBefore.RevisionId,
  });
  t.same(got.Tags, { team: 'core' });
  t.same(got.Concurrency, { ReservedConcurrentExecutions: 25 });
  t.match(got.Code?.Location, second.server.url, 'Code.Location points at the new server');
  const downloaded = Buffer.from(await (await fetch(got.Code!.Location!)).arrayBuffer());
  t.ok(downloaded.equals(code), 'the code is still there, byte for byte');

  const versions = await lambda.send(new ListVersionsByFunctionCommand({ FunctionName: 'durable' }));
  t.same(versions.Versions?.map((v) => [v.Version, v.Environment?.Variables?.STAGE]), [['$LATEST', 'three'], ['1', 'one'], ['2', 'two']]);

  const alias = await lambda.send(new GetAliasCommand({ FunctionName: 'durable', Name: 'live' }));
  t.same({ ...alias, $metadata: undefined }, { ...aliasBefore, $metadata: undefined }, 'the alias and its routing');

  const policy = JSON.parse((await lambda.send(new GetPolicyCommand({ FunctionName: 'durable' }))).Policy!);
  t.same(policy.Statement.map((s: { Sid: string; Principal: unknown }) => [s.Sid, s.Principal]), [['sns', { Service: 'sns.amazonaws.com' }]]);

  const settings = await lambda.send(new GetAccountSettingsCommand({}));
  t.equal(settings.AccountLimit?.UnreservedConcurrentExecutions, 975, 'the reservation still counts');
  t.equal(settings.AccountUsage?.FunctionCount, 2);

  await lambda.send(new UpdateFunctionConfigurationCommand({ FunctionName: 'durable', Timeout: 30 }));
  const next = await lambda.send(new PublishVersionCommand({ FunctionName: 'durable' }));
  t.equal(next.Version, '4', 'numbering continues; the deleted 3 is not reused');
  t.equal(next.FunctionArn, `${ARN}:durable:4`);
});
