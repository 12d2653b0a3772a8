// Reserved concurrency with the account settings, tags, and resource-based policies through the
// official SDK, with the shapes botocore's service model gives them.
import {
  AddPermissionCommand,
  DeleteFunctionCommand,
  DeleteFunctionConcurrencyCommand,
  GetAccountSettingsCommand,
  GetFunctionCommand,
  GetFunctionConcurrencyCommand,
  GetPolicyCommand,
  ListTagsCommand,
  PublishVersionCommand,
  PutFunctionConcurrencyCommand,
  RemovePermissionCommand,
  TagResourceCommand,
  UntagResourceCommand,
} from '@aws-sdk/client-lambda';
import t from 'tap';
import { createFunction, rejection } from '../helpers/aws.js';
import { startTestServer } from '../helpers/server.js';

const ARN = 'arn:aws:lambda:us-east-1:000000000000:function';

t.test('Put/Get/DeleteFunctionConcurrency and GetAccountSettings', async (t) => {
  const { lambda } = await startTestServer(t);
  await createFunction(lambda, 'busy');
  await createFunction(lambda, 'quiet');

  const fresh = await lambda.send(new GetAccountSettingsCommand({}));
  t.match(fresh.AccountLimit, { ConcurrentExecutions: 1000, UnreservedConcurrentExecutions: 1000, CodeSizeZipped: 52428800 });
  t.equal(fresh.AccountUsage?.FunctionCount, 2);
  const none = await lambda.send(new GetFunctionConcurrencyCommand({ FunctionName: 'busy' }));
  t.equal(none.ReservedConcurrentExecutions, undefined, 'no reservation yet');

  const put = await lambda.send(new PutFunctionConcurrencyCommand({ FunctionName: 'busy', ReservedConcurrentExecutions: 300 }));
  t.equal(put.$metadata.httpStatusCode, 200);
  t.equal(put.ReservedConcurrentExecutions, 300);
  t.equal((await lambda.send(new GetFunctionConcurrencyCommand({ FunctionName: 'busy' }))).ReservedConcurrentExecutions, 300);
  const after = await lambda.send(new GetAccountSettingsCommand({}));
  t.equal(after.AccountLimit?.UnreservedConcurrentExecutions, 700, 'the unreserved pool drops by the reservation');

  await lambda.send(new PutFunctionConcurrencyCommand({ FunctionName: 'quiet', ReservedConcurrentExecutions: 600 }));
  const tooMuch = await rejection(lambda.send(new PutFunctionConcurrencyCommand({ FunctionName: 'quiet', ReservedConcurrentExecutions: 601 })));
  t.match(tooMuch, {
    name: 'InvalidParameterValueException',
    status: 400,
    message: "Specified ReservedConcurrentExecutions for function decreases account's UnreservedConcurrentExecution below its minimum value of [100].",
  }, 'fewer than 100 left unreserved is refused');
  t.equal((await lambda.send(new GetAccountSettingsCommand({}))).AccountLimit?.UnreservedConcurrentExecutions, 100);
  const replaced = await lambda.send(new PutFunctionConcurrencyCommand({ FunctionName: 'busy', ReservedConcurrentExecutions: 250 }));
  t.equal(replaced.ReservedConcurrentExecutions, 250, 'a function\'s own reservation does not count against itself');

  const deleted = await lambda.send(new DeleteFunctionConcurrencyCommand({ FunctionName: 'busy' }));
  t.equal(deleted.$metadata.httpStatusCode, 204);
  t.equal((await lambda.send(new GetFunctionConcurrencyCommand({ FunctionName: 'busy' }))).ReservedConcurrentExecutions, undefined);
  t.equal((await lambda.send(new GetAccountSettingsCommand({}))).AccountLimit?.UnreservedConcurrentExecutions, 400);

  const negative = await rejection(lambda.send(new PutFunctionConcurrencyCommand({ FunctionName: 'busy', ReservedConcurrentExecutions: -1 })));
  t.match(negative, { name: 'ValidationException', status: 400, message: /reservedConcurrentExecutions/ });
  const missing = await rejection(lambda.send(new PutFunctionConcurrencyCommand({ FunctionName: 'ghost', ReservedConcurrentExecutions: 1 })));
  t.match(missing, { name: 'ResourceNotFoundException', status: 404, message: /^Function not found: .*:function:ghost/ });
});

t.test('TagResource, UntagResource and ListTags', async (t) => {
  const { lambda } = await startTestServer(t);
  await createFunction(lambda, 'tagged', { Tags: { team: 'core' } });
  const Resource = `${ARN}:tagged`;

  const tagged = await lambda.send(new TagResourceCommand({ Resource, Tags: { env: 'dev', cost: '42' } }));
  t.equal(tagged.$metadata.httpStatusCode, 204);
  t.same((await lambda.send(new ListTagsCommand({ Resource }))).Tags, { team: 'core', env: 'dev', cost: '42' });
  await lambda.send(new TagResourceCommand({ Resource, Tags: { env: 'prod' } }));
  t.same((await lambda.send(new ListTagsCommand({ Resource }))).Tags, { team: 'core', env: 'prod', cost: '42' }, 'a tag is overwritten');

  const untagged = await lambda.send(new UntagResourceCommand({ Resource, TagKeys: ['team', 'cost'] }));
  t.equal(untagged.$metadata.httpStatusCode, 204);
  t.same((await lambda.send(new ListTagsCommand({ Resource }))).Tags, { env: 'prod' });

  const missing = await rejection(lambda.send(new ListTagsCommand({ Resource: `${ARN}:ghost` })));
  t.match(missing, { name: 'ResourceNotFoundException', status: 404 });
  const reserved = await rejection(lambda.send(new TagResourceCommand({ Resource, Tags: { 'aws:owner': 'me' } })));
  t.match(reserved, { name: 'InvalidParameterValueException', status: 400, message: /aws:/ });
  const version = await rejection(lambda.send(new TagResourceCommand({ Resource: `${Resource}:1`, Tags: { a: 'b' } })));
  t.same(version, {
    name: 'InvalidParameterValueException', status: 400,
    message: 'Tags on function aliases and versions are not supported. Please specify a function ARN.',
  }, 'a version ARN cannot be tagged');
  const many = Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`k${i}`, 'v']));
  const tooMany = await rejection(lambda.send(new TagResourceCommand({ Resource, Tags: many })));
  t.same(tooMany, { name: 'InvalidParameterValueException', status: 400, message: 'Number of tags exceeds resource tag limit.' }, '51 tags');
});

t.test('AddPermission, GetPolicy and RemovePermission', async (t) => {
  const { lambda } = await startTestServer(t);
  await createFunction(lambda, 'guarded');
  const Resource = `${ARN}:guarded`;

  const noPolicy = await rejection(lambda.send(new GetPolicyCommand({ FunctionName: 'guarded' })));
  t.match(noPolicy, { name: 'ResourceNotFoundException', status: 404, message: 'The resource you requested does not exist.' });
  const noStatement = await rejection(lambda.send(new RemovePermissionCommand({ FunctionName: 'guarded', StatementId: 'x' })));
  t.match(noStatement, { name: 'ResourceNotFoundException', status: 404, message: 'No policy is associated with the given resource.' });

  // The function's RevisionId guards its policy too, and a policy change moves it on.
  const before = await lambda.send(new GetFunctionCommand({ FunctionName: 'guarded' }));
  const s3 = await lambda.send(new AddPermissionCommand({
    FunctionName: 'guarded', StatementId: 's3-invoke', Action: 'lambda:InvokeFunction', Principal: 's3.amazonaws.com',
    SourceArn: 'arn:aws:s3:::my-bucket', SourceAccount: '000000000000', RevisionId: before.Configuration?.RevisionId,
  }));
  t.equal(s3.$metadata.httpStatusCode, 201);
  const after = await lambda.send(new GetFunctionCommand({ FunctionName: 'guarded' }));
  t.not(after.Configuration?.RevisionId, before.Configuration?.RevisionId, 'AddPermission changes the function RevisionId');
  const s3Statement = {
    Sid: 's3-invoke',
    Effect: 'Allow',
    Principal: { Service: 's3.amazonaws.com' },
    Action: 'lambda:InvokeFunction',
    Resource,
    Condition: {
      StringEquals: { 'AWS:SourceAccount': '000000000000' },
      ArnLike: { 'AWS:SourceArn': 'arn:aws:s3:::my-bucket' },
    },
  };
  t.same(JSON.parse(s3.Statement!), s3Statement, 'the statement as AWS shapes it');

  await lambda.send(new AddPermissionCommand({
    FunctionName: 'guarded', StatementId: 'account', Action: 'lambda:GetFunction', Principal: '111122223333',
  }));
  const policy = await lambda.send(new GetPolicyCommand({ FunctionName: 'guarded' }));
  t.same(JSON.parse(policy.Policy!), {
    Version: '2012-10-17',
    Id: 'default',
    Statement: [
      s3Statement,
      { Sid: 'account', Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::111122223333:root' }, Action: 'lambda:GetFunction', Resource },
    ],
  });
  t.equal(policy.RevisionId, (await lambda.send(new GetFunctionCommand({ FunctionName: 'guarded' }))).Configuration?.RevisionId,
    'the policy RevisionId is the function\'s');

  const duplicate = await rejection(lambda.send(new AddPermissionCommand({
    FunctionName: 'guarded', StatementId: 'account', Action: 'lambda:InvokeFunction', Principal: '*',
  })));
  t.match(duplicate, { name: 'ResourceConflictException', status: 409, message: /The statement id \(account\) provided already exists/ });
  const stale = await rejection(lambda.send(new AddPermissionCommand({
    FunctionName: 'guarded', StatementId: 'late', Action: 'lambda:InvokeFunction', Principal: '*', RevisionId: 'stale',
  })));
  t.match(stale, {
    name: 'PreconditionFailedException', status: 412,
    message: 'The Revision Id provided does not match the latest Revision Id. Call the GetPolicy API to retrieve the latest Revision Id',
  });
  const dotted = await rejection(lambda.send(new AddPermissionCommand({
    FunctionName: 'guarded', StatementId: 'example.com', Action: 'lambda:InvokeFunction', Principal: '*',
  })));
  t.match(dotted, { name: 'ValidationException', status: 400, message: /Value 'example\.com' at 'statementId'/ });

  const removed = await lambda.send(new RemovePermissionCommand({ FunctionName: 'guarded', StatementId: 's3-invoke' }));
  t.equal(removed.$metadata.httpStatusCode, 204);
  const left = await lambda.send(new GetPolicyCommand({ FunctionName: 'guarded' }));
  t.same(JSON.parse(left.Policy!).Statement.map((s: { Sid: string }) => s.Sid), ['account']);
  t.not(left.RevisionId, policy.RevisionId, 'the policy RevisionId changes');
  const again = await rejection(lambda.send(new RemovePermissionCommand({ FunctionName: 'guarded', StatementId: 's3-invoke' })));
  t.match(again, { name: 'ResourceNotFoundException', status: 404, message: 'Statement s3-invoke is not found in resource policy.' });

  await lambda.send(new PublishVersionCommand({ FunctionName: 'guarded' }));
  const notYet = await rejection(lambda.send(new GetPolicyCommand({ FunctionName: 'guarded', Qualifier: '1' })));
  t.match(notYet, { name: 'ResourceNotFoundException', status: 404 }, 'a new version starts without a policy');
  const onVersion = await lambda.send(new AddPermissionCommand({
    FunctionName: 'guarded', Qualifier: '1', StatementId: 'account', Action: 'lambda:InvokeFunction', Principal: '*',
  }));
  t.equal(JSON.parse(onVersion.Statement!).Resource, `${Resource}:1`, 'a qualified permission names the version; Sids are per qualifier');
  const v1Policy = await lambda.send(new GetPolicyCommand({ FunctionName: 'guarded', Qualifier: '1' }));
  t.same(JSON.parse(v1Policy.Policy!).Statement.map((s: { Resource: string }) => s.Resource), [`${Resource}:1`], 'policies are per qualifier');

  const refusals: [string, () => Promise<unknown>, object][] = [
    ['$LATEST', () => lambda.send(new AddPermissionCommand({ FunctionName: 'guarded', Qualifier: '$LATEST', StatementId: 'l', Action: 'lambda:InvokeFunction', Principal: '*' })),
      { name: 'InvalidParameterValueException', status: 400, message: 'We currently do not support adding policies for $LATEST.' }],
    ['a missing alias', () => lambda.send(new AddPermissionCommand({ FunctionName: 'guarded', Qualifier: 'nope', StatementId: 'a', Action: 'lambda:InvokeFunction', Principal: '*' })),
      { name: 'ResourceNotFoundException', status: 404, message: `Cannot find alias arn: ${Resource}:nope` }],
    ['a missing version', () => lambda.send(new AddPermissionCommand({ FunctionName: 'guarded', Qualifier: '42', StatementId: 'v', Action: 'lambda:InvokeFunction', Principal: '*' })),
      { name: 'ResourceNotFoundException', status: 404, message: `Function not found: ${Resource}:42` }],
    ['GetPolicy of a missing function', () => lambda.send(new GetPolicyCommand({ FunctionName: 'ghost' })),
      { name: 'ResourceNotFoundException', status: 404, message: 'The resource you requested does not exist.' }],
    ['RemovePermission of a missing function', () => lambda.send(new RemovePermissionCommand({ FunctionName: 'ghost', StatementId: 's' })),
      { name: 'ResourceNotFoundException', status: 404, message: `No policy found for: ${ARN}:ghost` }],
  ];
  for (const [what, call, expected] of refusals) t.match(await rejection(call()), expected, what);

  await lambda.send(new DeleteFunctionCommand({ FunctionName: 'guarded', Qualifier: '1' }));
  const deletedVersion = await rejection(lambda.send(new GetPolicyCommand({ FunctionName: 'guarded', Qualifier: '1' })));
  t.match(deletedVersion, { name: 'ResourceNotFoundException', status: 404 }, 'a deleted version takes its policy along');
});
