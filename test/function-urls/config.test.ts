// Create / Get / Update / Delete / ListFunctionUrlConfigs through the official SDK: shapes, codes
// and messages as AWS answers them (LocalStack's AWS-recorded TestLambdaUrl snapshots), and the
// configurations' life: kept over a restart, gone with their function or alias.
import {
  CreateAliasCommand,
  CreateFunctionUrlConfigCommand,
  DeleteAliasCommand,
  DeleteFunctionCommand,
  DeleteFunctionUrlConfigCommand,
  GetFunctionUrlConfigCommand,
  ListFunctionUrlConfigsCommand,
  PublishVersionCommand,
  UpdateFunctionUrlConfigCommand,
} from '@aws-sdk/client-lambda';
import t from 'tap';
import { createFunction, rejection } from '../helpers/aws.js';
import { startTestServer } from '../helpers/server.js';

const ARN = 'arn:aws:lambda:us-east-1:000000000000:function';
const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}\+0000$/;

t.test('a function URL config goes through create, get, update, list and delete', async (t) => {
  const { lambda, server } = await startTestServer(t);
  await createFunction(lambda, 'web');

  const created = await lambda.send(new CreateFunctionUrlConfigCommand({ FunctionName: 'web', AuthType: 'NONE' }));
  t.equal(created.$metadata.httpStatusCode, 201);
  t.match(created.FunctionUrl, new RegExp(`^${server.url}/lambda-url/[a-z0-9]{32}/$`), 'served by lambdalite itself');
  t.equal(created.FunctionArn, `${ARN}:web`, 'an unqualified URL names the unqualified function');
  t.equal(created.AuthType, 'NONE');
  t.match(created.CreationTime, ISO);
  t.equal(created.Cors, undefined, 'no Cors given, none answered');
  t.equal(created.InvokeMode, undefined, 'no InvokeMode given, none answered (as AWS)');

  const got = await lambda.send(new GetFunctionUrlConfigCommand({ FunctionName: 'web' }));
  t.equal(got.FunctionUrl, created.FunctionUrl, 'the URL is stable');
  t.equal(got.InvokeMode, 'BUFFERED', 'Get shows the default invoke mode');
  t.equal(got.LastModifiedTime, created.CreationTime);

  await new Promise((r) => setTimeout(r, 5));
  const cors = { AllowOrigins: ['https://example.com'], AllowMethods: ['GET', 'POST'], MaxAge: 300, AllowCredentials: true };
  const updated = await lambda.send(new UpdateFunctionUrlConfigCommand({ FunctionName: 'web', AuthType: 'AWS_IAM', Cors: cors }));
  t.equal(updated.$metadata.httpStatusCode, 200);
  t.equal(updated.AuthType, 'AWS_IAM');
  t.same(updated.Cors, cors);
  t.equal(updated.FunctionUrl, created.FunctionUrl, 'an update keeps the URL');
  t.equal(updated.CreationTime, created.CreationTime);
  t.not(updated.LastModifiedTime, created.CreationTime, 'LastModifiedTime moves');

  const buffered = await lambda.send(new UpdateFunctionUrlConfigCommand({ FunctionName: 'web', InvokeMode: 'BUFFERED' }));
  t.equal(buffered.InvokeMode, 'BUFFERED');
  t.equal(buffered.AuthType, 'AWS_IAM', 'members not given are kept');
  t.same(buffered.Cors, cors);

  const list = await lambda.send(new ListFunctionUrlConfigsCommand({ FunctionName: 'web' }));
  t.equal(list.FunctionUrlConfigs?.length, 1);
  t.match(list.FunctionUrlConfigs![0], { FunctionUrl: created.FunctionUrl, AuthType: 'AWS_IAM', InvokeMode: 'BUFFERED', Cors: cors });

  const deleted = await lambda.send(new DeleteFunctionUrlConfigCommand({ FunctionName: 'web' }));
  t.equal(deleted.$metadata.httpStatusCode, 204);
  t.match(await rejection(lambda.send(new GetFunctionUrlConfigCommand({ FunctionName: 'web' }))), {
    name: 'ResourceNotFoundException', status: 404, message: 'The resource you requested does not exist.',
  });
  const again = await lambda.send(new CreateFunctionUrlConfigCommand({ FunctionName: 'web', AuthType: 'NONE' }));
  t.not(again.FunctionUrl, created.FunctionUrl, 'a new config gets a new URL (as AWS)');
});

t.test('an alias has its own URL; versions and $LATEST are refused as AWS refuses them', async (t) => {
  const { lambda } = await startTestServer(t);
  await createFunction(lambda, 'aliased');
  await lambda.send(new PublishVersionCommand({ FunctionName: 'aliased' }));
  await lambda.send(new CreateAliasCommand({ FunctionName: 'aliased', Name: 'live', FunctionVersion: '1' }));

  const unqualified = await lambda.send(new CreateFunctionUrlConfigCommand({ FunctionName: 'aliased', AuthType: 'NONE' }));
  const live = await lambda.send(new CreateFunctionUrlConfigCommand({ FunctionName: 'aliased', Qualifier: 'live', AuthType: 'NONE' }));
  t.equal(live.FunctionArn, `${ARN}:aliased:live`);
  t.not(live.FunctionUrl, unqualified.FunctionUrl);
  const byArn = await lambda.send(new GetFunctionUrlConfigCommand({ FunctionName: `${ARN}:aliased:live` }));
  t.equal(byArn.FunctionUrl, live.FunctionUrl, 'a qualified ARN names the alias URL');

  const pattern = "Member must satisfy regular expression pattern: ((?!^\\d+$)^[0-9a-zA-Z-_]+$)";
  for (const qualifier of ['1', '$LATEST']) {
    const err = await rejection(lambda.send(new CreateFunctionUrlConfigCommand({ FunctionName: 'aliased', Qualifier: qualifier, AuthType: 'NONE' })));
    t.match(err, { name: 'ValidationException', status: 400 }, `Qualifier ${qualifier}`);
    t.equal(err.message, `1 validation error detected: Value '${qualifier}' at 'qualifier' failed to satisfy constraint: ${pattern}`);
  }
  t.match(await rejection(lambda.send(new GetFunctionUrlConfigCommand({ FunctionName: 'aliased:1' }))), { name: 'ValidationException' },
    'a version inside FunctionName too');
  t.match(await rejection(lambda.send(new CreateFunctionUrlConfigCommand({ FunctionName: 'aliased:live', Qualifier: 'other', AuthType: 'NONE' }))), {
    name: 'InvalidParameterValueException', message: 'The derived qualifier from the function name does not match the specified qualifier.',
  });
  t.match(await rejection(lambda.send(new CreateFunctionUrlConfigCommand({ FunctionName: 'aliased', Qualifier: 'nope', AuthType: 'NONE' }))), {
    name: 'ResourceNotFoundException', status: 404, message: 'Function does not exist',
  });

  const list = await lambda.send(new ListFunctionUrlConfigsCommand({ FunctionName: 'aliased' }));
  t.same(list.FunctionUrlConfigs?.map((c) => c.FunctionArn), [`${ARN}:aliased`, `${ARN}:aliased:live`]);
  const page1 = await lambda.send(new ListFunctionUrlConfigsCommand({ FunctionName: 'aliased', MaxItems: 1 }));
  t.equal(page1.FunctionUrlConfigs?.length, 1);
  t.ok(page1.NextMarker);
  const page2 = await lambda.send(new ListFunctionUrlConfigsCommand({ FunctionName: 'aliased', MaxItems: 1, Marker: page1.NextMarker }));
  t.equal(page2.FunctionUrlConfigs?.[0]?.FunctionArn, `${ARN}:aliased:live`);
  t.equal(page2.NextMarker, undefined);

  await lambda.send(new DeleteAliasCommand({ FunctionName: 'aliased', Name: 'live' }));
  t.match(await rejection(lambda.send(new GetFunctionUrlConfigCommand({ FunctionName: 'aliased', Qualifier: 'live' }))),
    { name: 'ResourceNotFoundException' }, "deleting the alias deletes its URL");
  const left = await lambda.send(new ListFunctionUrlConfigsCommand({ FunctionName: 'aliased' }));
  t.equal(left.FunctionUrlConfigs?.length, 1, 'the unqualified URL stays');
});

t.test('errors as AWS words them', async (t) => {
  const { lambda } = await startTestServer(t);
  await createFunction(lambda, 'fn');

  t.match(await rejection(lambda.send(new CreateFunctionUrlConfigCommand({ FunctionName: 'ghost', AuthType: 'NONE' }))),
    { name: 'ResourceNotFoundException', status: 404, message: 'Function does not exist' });
  t.match(await rejection(lambda.send(new GetFunctionUrlConfigCommand({ FunctionName: 'ghost' }))),
    { name: 'ResourceNotFoundException', message: 'The resource you requested does not exist.' });
  t.match(await rejection(lambda.send(new GetFunctionUrlConfigCommand({ FunctionName: 'fn' }))),
    { name: 'ResourceNotFoundException', message: 'The resource you requested does not exist.' }, 'a function without a URL');
  t.match(await rejection(lambda.send(new DeleteFunctionUrlConfigCommand({ FunctionName: 'fn' }))),
    { name: 'ResourceNotFoundException', message: 'The resource you requested does not exist.' });
  t.match(await rejection(lambda.send(new UpdateFunctionUrlConfigCommand({ FunctionName: 'ghost', AuthType: 'NONE' }))),
    { name: 'ResourceNotFoundException', message: 'Function does not exist' });
  t.match(await rejection(lambda.send(new UpdateFunctionUrlConfigCommand({ FunctionName: 'fn', AuthType: 'NONE' }))),
    { name: 'ResourceNotFoundException', message: 'The resource you requested does not exist.' });
  t.match(await rejection(lambda.send(new ListFunctionUrlConfigsCommand({ FunctionName: 'ghost' }))),
    { name: 'ResourceNotFoundException', message: 'Function does not exist' });

  t.match(await rejection(lambda.send(new CreateFunctionUrlConfigCommand({ FunctionName: 'fn' } as never))), {
    name: 'ValidationException', message: "1 validation error detected: Value null at 'authType' failed to satisfy constraint: Member must not be null",
  });
  t.match(await rejection(lambda.send(new CreateFunctionUrlConfigCommand({ FunctionName: 'fn', AuthType: 'OPEN' as never }))), {
    name: 'ValidationException', message: /Value 'OPEN' at 'authType' failed to satisfy constraint: Member must satisfy enum value set: \[AWS_IAM, NONE\]/,
  });
  t.match(await rejection(lambda.send(new CreateFunctionUrlConfigCommand({ FunctionName: 'fn', AuthType: 'NONE', InvokeMode: 'UNKNOWN' as never }))), {
    name: 'ValidationException',
    message: "1 validation error detected: Value 'UNKNOWN' at 'invokeMode' failed to satisfy constraint: Member must satisfy enum value set: [RESPONSE_STREAM, BUFFERED]",
  });
  t.match(await rejection(lambda.send(new CreateFunctionUrlConfigCommand({ FunctionName: 'fn', AuthType: 'NONE', InvokeMode: 'RESPONSE_STREAM' }))), {
    name: 'InvalidParameterValueException', status: 400, message: /does not stream responses yet/,
  });
  t.match(await rejection(lambda.send(new CreateFunctionUrlConfigCommand({ FunctionName: 'fn', AuthType: 'NONE', Cors: { MaxAge: 86401 } }))), {
    name: 'ValidationException', message: /at 'cors.maxAge' failed to satisfy constraint: Member must have value less than or equal to 86400/,
  });
  t.match(await rejection(lambda.send(new CreateFunctionUrlConfigCommand({
    FunctionName: 'fn', AuthType: 'NONE', Cors: { AllowMethods: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', '*'] },
  }))), { name: 'ValidationException', message: /at 'cors.allowMethods' failed to satisfy constraint: Member must have length less than or equal to 6/ });
  t.match(await rejection(lambda.send(new CreateFunctionUrlConfigCommand({ FunctionName: 'fn', AuthType: 'NONE', Cors: { AllowMethods: ['OPTIONS'] } }))), {
    name: 'ValidationException', message: /Value 'OPTIONS' at 'cors.allowMethods.1.member' failed to satisfy constraint: Member must have length less than or equal to 6/,
  });
  t.match(await rejection(lambda.send(new CreateFunctionUrlConfigCommand({ FunctionName: 'fn', AuthType: 'NONE', Cors: { AllowMethods: ['TRACE'] } }))), {
    name: 'InvalidParameterValueException', message: /You can use GET, PUT, POST, DELETE, HEAD, PATCH, and the wildcard character/,
  });
  t.match(await rejection(lambda.send(new CreateFunctionUrlConfigCommand({ FunctionName: 'fn', AuthType: 'NONE', Cors: { AllowOrigins: [''] } }))), {
    name: 'ValidationException', message: /at 'cors.allowOrigins.1.member' failed to satisfy constraint: Member must have length greater than or equal to 1/,
  });
  t.match(await rejection(lambda.send(new ListFunctionUrlConfigsCommand({ FunctionName: 'fn', MaxItems: 51 }))), {
    name: 'ValidationException', message: /Member must have value less than or equal to 50/,
  });

  const first = await lambda.send(new CreateFunctionUrlConfigCommand({ FunctionName: 'fn', AuthType: 'NONE' }));
  t.match(await rejection(lambda.send(new CreateFunctionUrlConfigCommand({ FunctionName: 'fn', AuthType: 'AWS_IAM' }))), {
    name: 'ResourceConflictException', status: 409,
    message: `Failed to create function url config for [functionArn = ${ARN}:fn]. Error message:  FunctionUrlConfig exists for this Lambda function`,
  });
  const still = await lambda.send(new GetFunctionUrlConfigCommand({ FunctionName: 'fn' }));
  t.equal(still.FunctionUrl, first.FunctionUrl, 'the refused create changed nothing');
  t.equal(still.AuthType, 'NONE');
});

t.test('URL configs survive a restart and go with their function', async (t) => {
  const first = await startTestServer(t, {}, { keepData: true });
  await createFunction(first.lambda, 'kept');
  const cors = { AllowOrigins: ['*'], ExposeHeaders: ['x-trace'] };
  const created = await first.lambda.send(new CreateFunctionUrlConfigCommand({ FunctionName: 'kept', AuthType: 'AWS_IAM', Cors: cors, InvokeMode: 'BUFFERED' }));
  await first.stop();

  const second = await startTestServer(t, { dataDir: first.dataDir, port: 0 });
  const got = await second.lambda.send(new GetFunctionUrlConfigCommand({ FunctionName: 'kept' }));
  const urlId = (u: string | undefined) => /\/lambda-url\/([a-z0-9]{32})\/$/.exec(u ?? '')?.[1];
  t.equal(urlId(got.FunctionUrl), urlId(created.FunctionUrl), 'the same url-id after a restart');
  t.equal(got.AuthType, 'AWS_IAM');
  t.same(got.Cors, cors);
  t.equal(got.CreationTime, created.CreationTime);

  await second.lambda.send(new DeleteFunctionCommand({ FunctionName: 'kept' }));
  await createFunction(second.lambda, 'kept');
  t.match(await rejection(second.lambda.send(new GetFunctionUrlConfigCommand({ FunctionName: 'kept' }))),
    { name: 'ResourceNotFoundException' }, 'deleting the function deleted its URL');
  const res = await fetch(got.FunctionUrl!.replace(/^http:\/\/[^/]+/, second.server.url));
  t.equal(res.status, 403, 'the old URL answers 403, as AWS answers for a URL that does not exist');
  t.same(await res.json(), { Message: null });
});
