// Functions through the official SDK: create, read, list with paging, update, delete, and the SDK's
// own waiters. Shapes follow botocore's Lambda service model (FunctionConfiguration et al.).
import {
  CreateAliasCommand,
  DeleteFunctionCommand,
  GetFunctionCommand,
  GetFunctionConfigurationCommand,
  ListFunctionsCommand,
  PublishLayerVersionCommand,
  PublishVersionCommand,
  PutFunctionConcurrencyCommand,
  UpdateFunctionConfigurationCommand,
  waitUntilFunctionActiveV2,
  waitUntilFunctionUpdatedV2,
  type FunctionConfiguration,
} from '@aws-sdk/client-lambda';
import { createHash } from 'node:crypto';
import t from 'tap';
import { createFunction, rejection } from '../helpers/aws.js';
import { NODE_ECHO, ROLE, startTestServer, zip } from '../helpers/server.js';

const ARN = 'arn:aws:lambda:us-east-1:000000000000:function';

t.test('CreateFunction stores every member it is given and defaults the rest', async (t) => {
  const { lambda } = await startTestServer(t);
  const code = await zip(NODE_ECHO);
  const layer = await lambda.send(new PublishLayerVersionCommand({ LayerName: 'shared', Content: { ZipFile: await zip({ 'nodejs/x.js': '' }) } }));
  const LAYER = layer.LayerVersionArn!;
  const created = await createFunction(lambda, 'full', {
    Code: { ZipFile: code },
    Description: 'all the members',
    Timeout: 30,
    MemorySize: 512,
    Environment: { Variables: { STAGE: 'test', COLOR: 'blue' } },
    EphemeralStorage: { Size: 1024 },
    Architectures: ['arm64'],
    Layers: [LAYER],
    Tags: { team: 'core' },
  });
  t.equal(created.$metadata.httpStatusCode, 201);
  t.match(created, {
    FunctionName: 'full',
    FunctionArn: `${ARN}:full`,
    Runtime: 'nodejs20.x',
    Handler: 'index.handler',
    Role: ROLE,
    Description: 'all the members',
    Timeout: 30,
    MemorySize: 512,
    Environment: { Variables: { STAGE: 'test', COLOR: 'blue' } },
    EphemeralStorage: { Size: 1024 },
    Architectures: ['arm64'],
    Layers: [{ Arn: LAYER, CodeSize: layer.Content?.CodeSize }],
    Version: '$LATEST',
    PackageType: 'Zip',
    State: 'Active',
    LastUpdateStatus: 'Successful',
    CodeSize: code.length,
    CodeSha256: createHash('sha256').update(code).digest('base64'),
  });
  t.match(created.RevisionId, /^[0-9a-f-]{36}$/);
  t.match(created.LastModified, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+0000$/);

  const defaults = await createFunction(lambda, 'defaults');
  t.match(defaults, { Timeout: 3, MemorySize: 128, EphemeralStorage: { Size: 512 }, Architectures: ['x86_64'], Description: '' });
  t.notOk(defaults.Environment, 'no Environment member when none was given');
  t.notOk(defaults.Layers, 'no Layers member when none was given');
});

t.test('CreateFunction with Publish: true answers with version 1', async (t) => {
  const { lambda } = await startTestServer(t);
  const created = await createFunction(lambda, 'published', { Publish: true });
  t.equal(created.Version, '1');
  t.equal(created.FunctionArn, `${ARN}:published:1`);
  const v1 = await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: 'published', Qualifier: '1' }));
  t.equal(v1.CodeSha256, created.CodeSha256);
});

t.test('GetFunction returns Configuration, Code, Tags and Concurrency; GetFunctionConfiguration takes a qualifier', async (t) => {
  const { lambda } = await startTestServer(t);
  const created = await createFunction(lambda, 'getme', { Tags: { owner: 'ada', env: 'dev' } });

  const plain = await lambda.send(new GetFunctionCommand({ FunctionName: 'getme' }));
  t.equal(plain.$metadata.httpStatusCode, 200);
  t.match(plain.Configuration, { FunctionName: 'getme', RevisionId: created.RevisionId, CodeSha256: created.CodeSha256 });
  t.equal(plain.Code?.RepositoryType, 'S3');
  t.match(plain.Code?.Location, /^http:\/\/127\.0\.0\.1:\d+\//);
  t.same(plain.Tags, { owner: 'ada', env: 'dev' });
  t.notOk(plain.Concurrency, 'no Concurrency member without a reservation');

  await lambda.send(new PutFunctionConcurrencyCommand({ FunctionName: 'getme', ReservedConcurrentExecutions: 7 }));
  const withReservation = await lambda.send(new GetFunctionCommand({ FunctionName: `${ARN}:getme` }));
  t.same(withReservation.Concurrency, { ReservedConcurrentExecutions: 7 }, 'full ARN accepted, reservation shown');

  await lambda.send(new PublishVersionCommand({ FunctionName: 'getme' }));
  const v1 = await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: 'getme', Qualifier: '1' }));
  t.equal(v1.Version, '1');
  t.equal(v1.FunctionArn, `${ARN}:getme:1`);
  const qualifiedName = await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: 'getme:1' }));
  t.equal(qualifiedName.Version, '1', 'a qualifier inside the name works too');
  const latest = await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: 'getme', Qualifier: '$LATEST' }));
  t.match(latest, { Version: '$LATEST', FunctionArn: `${ARN}:getme:$LATEST` }, 'the ARN echoes the qualifier asked for');
  await lambda.send(new CreateAliasCommand({ FunctionName: 'getme', Name: 'live', FunctionVersion: '1' }));
  const viaAlias = await lambda.send(new GetFunctionCommand({ FunctionName: 'getme', Qualifier: 'live' }));
  t.match(viaAlias.Configuration, { Version: '1', FunctionArn: `${ARN}:getme:live` }, 'an alias too');

  const missing = await rejection(lambda.send(new GetFunctionConfigurationCommand({ FunctionName: 'getme', Qualifier: '9' })));
  t.match(missing, { name: 'ResourceNotFoundException', status: 404, message: `Function not found: ${ARN}:getme:9` });
});

t.test('ListFunctions pages with Marker / MaxItems and lists versions with FunctionVersion=ALL', async (t) => {
  const { lambda } = await startTestServer(t);
  const names = ['fn-a', 'fn-b', 'fn-c', 'fn-d', 'fn-e', 'fn-f', 'fn-g'];
  for (const name of [...names].reverse()) await createFunction(lambda, name);

  const pages: FunctionConfiguration[][] = [];
  let marker: string | undefined;
  do {
    const page = await lambda.send(new ListFunctionsCommand({ MaxItems: 3, Marker: marker }));
    pages.push(page.Functions ?? []);
    marker = page.NextMarker;
  } while (marker !== undefined && pages.length < 10);
  t.same(pages.map((p) => p.length), [3, 3, 1], 'pages of 3, 3 and 1');
  t.same(pages.flat().map((f) => f.FunctionName), names, 'every function once, in name order');
  t.ok(pages.flat().every((f) => f.Version === '$LATEST' && f.FunctionArn === `${ARN}:${f.FunctionName}`), 'only $LATEST, unqualified ARNs');
  t.ok(pages.flat().every((f) => f.State === undefined && f.LastUpdateStatus === undefined), 'list entries leave out State and LastUpdateStatus, as AWS does');

  await lambda.send(new PublishVersionCommand({ FunctionName: 'fn-b' }));
  await lambda.send(new UpdateFunctionConfigurationCommand({ FunctionName: 'fn-b', Timeout: 9 }));
  await lambda.send(new PublishVersionCommand({ FunctionName: 'fn-b' }));
  const all = await lambda.send(new ListFunctionsCommand({ FunctionVersion: 'ALL' }));
  const fnB = (all.Functions ?? []).filter((f) => f.FunctionName === 'fn-b');
  t.same(fnB.map((f) => f.Version), ['$LATEST', '1', '2']);
  t.same(fnB.map((f) => f.FunctionArn), [`${ARN}:fn-b:$LATEST`, `${ARN}:fn-b:1`, `${ARN}:fn-b:2`], 'with ALL, $LATEST is qualified');
  t.equal(all.Functions?.length, 9, '7 $LATEST plus 2 versions');

  for (let i = 0; i < 45; i++) await createFunction(lambda, `more-${String(i).padStart(2, '0')}`);
  const capped = await lambda.send(new ListFunctionsCommand({ MaxItems: 500 }));
  t.equal(capped.Functions?.length, 50, 'at most 50 per page, whatever MaxItems says');
  t.ok(capped.NextMarker, 'and a marker for the rest');

  const bad = await rejection(lambda.send(new ListFunctionsCommand({ FunctionVersion: 'SOME' as 'ALL' })));
  t.match(bad, { name: 'ValidationException', status: 400, message: /functionVersion/ });
});

t.test('UpdateFunctionConfiguration changes only the members given', async (t) => {
  const { lambda } = await startTestServer(t);
  const created = await createFunction(lambda, 'upd', { Environment: { Variables: { OLD: '1' } }, Timeout: 10 });
  const updated = await lambda.send(new UpdateFunctionConfigurationCommand({
    FunctionName: 'upd',
    MemorySize: 256,
    Description: 'bigger',
    Environment: { Variables: { NEW: '2' } },
    Handler: 'main.run',
    Runtime: 'python3.12',
  }));
  t.equal(updated.$metadata.httpStatusCode, 200);
  t.match(updated, {
    MemorySize: 256, Description: 'bigger', Handler: 'main.run', Runtime: 'python3.12', Timeout: 10,
    Environment: { Variables: { NEW: '2' } }, CodeSha256: created.CodeSha256, LastUpdateStatus: 'Successful',
  });
  t.not(updated.RevisionId, created.RevisionId, 'RevisionId changes');
  const read = await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: 'upd' }));
  t.same(read.Environment, { Variables: { NEW: '2' } }, 'environment replaced, not merged');
  t.equal(read.RevisionId, updated.RevisionId);
});

t.test('DeleteFunction removes the function, or with Qualifier one version', async (t) => {
  const { lambda } = await startTestServer(t);
  await createFunction(lambda, 'del', { Publish: true });
  await lambda.send(new UpdateFunctionConfigurationCommand({ FunctionName: 'del', Timeout: 5 }));
  await lambda.send(new PublishVersionCommand({ FunctionName: 'del' }));

  const one = await lambda.send(new DeleteFunctionCommand({ FunctionName: 'del', Qualifier: '1' }));
  t.equal(one.$metadata.httpStatusCode, 204);
  const gone = await rejection(lambda.send(new GetFunctionCommand({ FunctionName: 'del', Qualifier: '1' })));
  t.match(gone, { name: 'ResourceNotFoundException', status: 404 });
  const v2 = await lambda.send(new GetFunctionCommand({ FunctionName: 'del', Qualifier: '2' }));
  t.equal(v2.Configuration?.Timeout, 5, 'version 2 is still there');

  const latest = await rejection(lambda.send(new DeleteFunctionCommand({ FunctionName: 'del', Qualifier: '$LATEST' })));
  t.match(latest, { name: 'InvalidParameterValueException', status: 400 });

  const all = await lambda.send(new DeleteFunctionCommand({ FunctionName: 'del' }));
  t.equal(all.$metadata.httpStatusCode, 204);
  const none = await rejection(lambda.send(new GetFunctionCommand({ FunctionName: 'del' })));
  t.match(none, { name: 'ResourceNotFoundException', status: 404, message: `Function not found: ${ARN}:del` });
  const again = await rejection(lambda.send(new DeleteFunctionCommand({ FunctionName: 'del' })));
  t.match(again, { name: 'ResourceNotFoundException', status: 404 });
  const list = await lambda.send(new ListFunctionsCommand({ FunctionVersion: 'ALL' }));
  t.same(list.Functions, [], 'no version of it is listed');
});

t.test('the SDK waiters FunctionActiveV2 and FunctionUpdatedV2 succeed', async (t) => {
  const { lambda } = await startTestServer(t);
  await createFunction(lambda, 'waited');
  const active = await waitUntilFunctionActiveV2({ client: lambda, maxWaitTime: 10 }, { FunctionName: 'waited' });
  t.equal(active.state, 'SUCCESS');
  await lambda.send(new UpdateFunctionConfigurationCommand({ FunctionName: 'waited', Timeout: 60 }));
  const updated = await waitUntilFunctionUpdatedV2({ client: lambda, maxWaitTime: 10 }, { FunctionName: 'waited' });
  t.equal(updated.state, 'SUCCESS');
  const missing = await rejection(waitUntilFunctionActiveV2({ client: lambda, maxWaitTime: 2 }, { FunctionName: 'nope' }));
  t.match(missing.message, /ResourceNotFoundException|Function not found/, 'a missing function fails the waiter');
});
