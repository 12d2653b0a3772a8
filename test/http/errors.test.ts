// Errors as the SDK and a raw HTTP client see them: names, status codes and messages from botocore's
// Lambda service model; RevisionId preconditions; operations lambdalite does not implement; and
// collection paths with and without a trailing slash.
import {
  CreateAliasCommand,
  GetFunctionCodeSigningConfigCommand,
  GetFunctionCommand,
  ListEventSourceMappingsCommand,
  PublishVersionCommand,
  UpdateAliasCommand,
  UpdateFunctionCodeCommand,
  UpdateFunctionConfigurationCommand,
  type CreateFunctionCommandInput,
} from '@aws-sdk/client-lambda';
import t from 'tap';
import { createFunction, rejection } from '../helpers/aws.js';
import { NODE_ECHO, ROLE, startTestServer, zip } from '../helpers/server.js';

const ARN = 'arn:aws:lambda:us-east-1:000000000000:function';

async function raw(url: string, init: RequestInit = {}) {
  const res = await fetch(url, init);
  const text = await res.text();
  return { status: res.status, type: res.headers.get('x-amzn-errortype'), body: text ? JSON.parse(text) : undefined };
}

t.test('missing and duplicate functions: 404 and 409', async (t) => {
  const { lambda } = await startTestServer(t);
  const missing = await rejection(lambda.send(new GetFunctionCommand({ FunctionName: 'ghost' })));
  t.same(missing, { name: 'ResourceNotFoundException', status: 404, message: `Function not found: ${ARN}:ghost` });

  await createFunction(lambda, 'twice');
  const twice = await rejection(createFunction(lambda, 'twice'));
  t.same(twice, { name: 'ResourceConflictException', status: 409, message: 'Function already exist: twice' });

  const badName = await rejection(lambda.send(new GetFunctionCommand({ FunctionName: 'no spaces allowed' })));
  t.match(badName, { name: 'ValidationException', status: 400, message: /'functionName'/ });
  const otherRegion = await rejection(lambda.send(new GetFunctionCommand({ FunctionName: 'arn:aws:lambda:eu-west-1:000000000000:function:twice' })));
  t.same(otherRegion, {
    name: 'ResourceNotFoundException', status: 404, message: "Functions from 'eu-west-1' are not reachable in this region ('us-east-1')",
  });
});

t.test('bad configuration values are refused naming the field', async (t) => {
  const { lambda } = await startTestServer(t);
  const cases: [string, Partial<CreateFunctionCommandInput>, string, RegExp][] = [
    ['Timeout 0', { Timeout: 0 }, 'ValidationException', /Value '0' at 'timeout' failed to satisfy constraint: Member must have value greater than or equal to 1/],
    ['Timeout 901', { Timeout: 901 }, 'ValidationException', /Value '901' at 'timeout' failed to satisfy constraint: Member must have value less than or equal to 900/],
    ['MemorySize 64', { MemorySize: 64 }, 'ValidationException', /Value '64' at 'memorySize' failed to satisfy constraint: Member must have value greater than or equal to 128/],
    ['MemorySize 10241', { MemorySize: 10241 }, 'ValidationException', /'memorySize'/],
    ['EphemeralStorage 511', { EphemeralStorage: { Size: 511 } }, 'ValidationException', /'ephemeralStorage\.size'/],
    ['reserved key AWS_REGION', { Environment: { Variables: { AWS_REGION: 'eu-west-1' } } }, 'InvalidParameterValueException', /Reserved keys used in this request: AWS_REGION/],
    ['a bad role', { Role: 'not-a-role' }, 'ValidationException', /Value 'not-a-role' at 'role' failed to satisfy constraint/],
    ['an unknown runtime', { Runtime: 'cobol85' as 'nodejs20.x' }, 'InvalidParameterValueException', /^Value cobol85 at 'runtime' failed to satisfy constraint: Member must satisfy enum value set: \[.*nodejs20\.x/],
    ['a deprecated runtime', { Runtime: 'nodejs12.x' }, 'InvalidParameterValueException', /The runtime parameter of nodejs12\.x is no longer supported/],
    ['two architectures', { Architectures: ['x86_64', 'arm64'] }, 'ValidationException', /Value '\[x86_64, arm64\]' at 'architectures' failed to satisfy constraint: Member must have length less than or equal to 1/],
    ['an unknown architecture', { Architectures: ['X86_64' as 'x86_64'] }, 'ValidationException', /Value '\[X86_64\]' at 'architectures'/],
  ];
  for (const [what, input, name, message] of cases) {
    t.match(await rejection(createFunction(lambda, 'bad', input)), { name, status: 400, message }, what);
  }
  await createFunction(lambda, 'good');
  const update = await rejection(lambda.send(new UpdateFunctionConfigurationCommand({ FunctionName: 'good', Timeout: 901 })));
  t.match(update, { name: 'ValidationException', status: 400, message: /'timeout'/ }, 'UpdateFunctionConfiguration checks too');
  const env = await rejection(lambda.send(new UpdateFunctionConfigurationCommand({ FunctionName: 'good', Environment: { Variables: { X: '1' } } })));
  t.same(env, {
    name: 'ValidationException', status: 400,
    message: "1 validation error detected: Value at 'environment.variables' failed to satisfy constraint: " +
      'Map keys must satisfy constraint: [Member must satisfy regular expression pattern: [a-zA-Z]([a-zA-Z0-9_])+]',
  }, 'a one-letter key, and no value echoed: environment variables are sensitive');
  t.equal((await lambda.send(new GetFunctionCommand({ FunctionName: 'good' }))).Configuration?.Timeout, 3, 'nothing changed');
});

t.test('malformed JSON is InvalidRequestContentException', async (t) => {
  const { server } = await startTestServer(t);
  const res = await raw(`${server.url}/2015-03-31/functions`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"FunctionName": "x",',
  });
  t.equal(res.status, 400);
  t.equal(res.type, 'InvalidRequestContentException');
  t.match(res.body, { Type: 'User', message: /^Could not parse request body into json/ });
});

t.test('RevisionId changes on every change, and a stale one is 412', async (t) => {
  const { lambda } = await startTestServer(t);
  const created = await createFunction(lambda, 'rev');
  const stale = created.RevisionId!;
  const updated = await lambda.send(new UpdateFunctionConfigurationCommand({ FunctionName: 'rev', Timeout: 5, RevisionId: stale }));
  t.not(updated.RevisionId, stale, 'a matching RevisionId is accepted and replaced');

  const precondition = { name: 'PreconditionFailedException', status: 412, message: /Revision Id/ };
  t.match(await rejection(lambda.send(new UpdateFunctionConfigurationCommand({ FunctionName: 'rev', Timeout: 6, RevisionId: stale }))), precondition, 'UpdateFunctionConfiguration');
  const code = await zip({ 'index.js': 'exports.handler = async () => 2;\n' });
  t.match(await rejection(lambda.send(new UpdateFunctionCodeCommand({ FunctionName: 'rev', ZipFile: code, RevisionId: stale }))), precondition, 'UpdateFunctionCode');
  t.match(await rejection(lambda.send(new PublishVersionCommand({ FunctionName: 'rev', RevisionId: stale }))), precondition, 'PublishVersion');

  const newCode = await lambda.send(new UpdateFunctionCodeCommand({ FunctionName: 'rev', ZipFile: code, RevisionId: updated.RevisionId }));
  t.not(newCode.RevisionId, updated.RevisionId);
  const v1 = await lambda.send(new PublishVersionCommand({ FunctionName: 'rev', RevisionId: newCode.RevisionId }));
  t.equal(v1.Version, '1');
  const afterPublish = await lambda.send(new GetFunctionCommand({ FunctionName: 'rev' }));
  t.not(afterPublish.Configuration?.RevisionId, newCode.RevisionId, 'publishing changes $LATEST\'s RevisionId too');
  t.match(await rejection(lambda.send(new UpdateFunctionConfigurationCommand({ FunctionName: 'rev', Timeout: 6, RevisionId: newCode.RevisionId }))), precondition, 'a RevisionId from before the publish is stale');

  const alias = await lambda.send(new CreateAliasCommand({ FunctionName: 'rev', Name: 'live', FunctionVersion: '1' }));
  const moved = await lambda.send(new UpdateAliasCommand({ FunctionName: 'rev', Name: 'live', Description: 'moved', RevisionId: alias.RevisionId }));
  t.not(moved.RevisionId, alias.RevisionId);
  t.match(await rejection(lambda.send(new UpdateAliasCommand({ FunctionName: 'rev', Name: 'live', Description: 'again', RevisionId: alias.RevisionId }))), precondition, 'UpdateAlias');
  const after = await lambda.send(new GetFunctionCommand({ FunctionName: 'rev' }));
  t.equal(after.Configuration?.Timeout, 5, 'the refused updates changed nothing');
  t.equal(after.Configuration?.CodeSha256, newCode.CodeSha256);
});

t.test('an operation of the model lambdalite does not implement is UnsupportedOperationException', async (t) => {
  const { lambda, server } = await startTestServer(t);
  await createFunction(lambda, 'fn');
  const mappings = await rejection(lambda.send(new ListEventSourceMappingsCommand({})));
  t.match(mappings, { name: 'UnsupportedOperationException', message: /\bListEventSourceMappings\b/ });
  t.ok(mappings.status! >= 400, `an error status (${mappings.status})`);
  const signing = await rejection(lambda.send(new GetFunctionCodeSigningConfigCommand({ FunctionName: 'fn' })));
  t.match(signing, { name: 'UnsupportedOperationException', message: /\bGetFunctionCodeSigningConfig\b/ });

  const unknown = await raw(`${server.url}/2015-03-31/no-such-thing`);
  t.equal(unknown.status, 404);
  t.equal(unknown.type, 'UnknownOperationException', 'a path of no operation at all');
});

t.test('collection paths work with and without a trailing slash', async (t) => {
  const { server, lambda } = await startTestServer(t);
  const create = async (path: string, name: string) => raw(`${server.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      FunctionName: name, Runtime: 'nodejs20.x', Handler: 'index.handler', Role: ROLE,
      Code: { ZipFile: (await zip(NODE_ECHO)).toString('base64') },
    }),
  });
  t.equal((await create('/2015-03-31/functions', 'plain')).status, 201);
  t.equal((await create('/2015-03-31/functions/', 'slashed')).status, 201);
  for (const path of ['/2015-03-31/functions', '/2015-03-31/functions/']) {
    const res = await raw(`${server.url}${path}`);
    t.equal(res.status, 200, path);
    t.same(res.body.Functions.map((f: { FunctionName: string }) => f.FunctionName), ['plain', 'slashed'], path);
  }
  await lambda.send(new PublishVersionCommand({ FunctionName: 'plain' }));
  const versions = await raw(`${server.url}/2015-03-31/functions/plain/versions/`);
  t.same(versions.body.Versions.map((v: { Version: string }) => v.Version), ['$LATEST', '1'], 'a nested collection too');
});
