// Container-image functions (PackageType Image) through the official SDK against a real server:
// create, read, update code and configuration, publish and list, every refusal with AWS's error
// type and message, and an invoke on the default process executor, which runs no images.
import {
  CreateFunctionCommand,
  GetFunctionCommand,
  GetFunctionConfigurationCommand,
  InvokeCommand,
  ListFunctionsCommand,
  ListVersionsByFunctionCommand,
  PublishLayerVersionCommand,
  PublishVersionCommand,
  UpdateFunctionCodeCommand,
  UpdateFunctionConfigurationCommand,
  waitUntilFunctionActiveV2,
  waitUntilFunctionUpdatedV2,
  type CreateFunctionCommandInput,
  type LambdaClient,
} from '@aws-sdk/client-lambda';
import { createHash } from 'node:crypto';
import t from 'tap';
import { createFunction, rejection } from '../helpers/aws.js';
import { NODE_ECHO, ROLE, startTestServer, zip } from '../helpers/server.js';

const ARN = 'arn:aws:lambda:us-east-1:000000000000:function';
const sha256Hex = (s: string) => createHash('sha256').update(s).digest('hex');

function createImage(lambda: LambdaClient, name: string, input: Partial<CreateFunctionCommandInput> = {}) {
  return lambda.send(new CreateFunctionCommand({
    FunctionName: name,
    Role: ROLE,
    PackageType: 'Image',
    Code: { ImageUri: `${name}:latest` },
    ...input,
  }));
}

t.test('CreateFunction with PackageType Image: no runtime or handler, the image and its ImageConfig', async (t) => {
  const { lambda } = await startTestServer(t);
  const created = await createImage(lambda, 'img', {
    Code: { ImageUri: 'img:latest' },
    ImageConfig: { EntryPoint: ['/lambda-entrypoint.sh'], Command: ['app.handler'], WorkingDirectory: '/var/task' },
    Environment: { Variables: { STAGE: 'test' } },
    MemorySize: 256,
  });
  t.equal(created.$metadata.httpStatusCode, 201);
  t.match(created, {
    FunctionName: 'img',
    FunctionArn: `${ARN}:img`,
    PackageType: 'Image',
    // The image's digest in hex (no registry here: the SHA-256 of the reference), CodeSize 0.
    CodeSha256: sha256Hex('img:latest'),
    CodeSize: 0,
    MemorySize: 256,
    Environment: { Variables: { STAGE: 'test' } },
    ImageConfigResponse: {
      ImageConfig: { EntryPoint: ['/lambda-entrypoint.sh'], Command: ['app.handler'], WorkingDirectory: '/var/task' },
    },
    State: 'Active',
    Version: '$LATEST',
  });
  t.notOk('Runtime' in created, 'no Runtime member');
  t.notOk('Handler' in created, 'no Handler member');

  await waitUntilFunctionActiveV2({ client: lambda, maxWaitTime: 10 }, { FunctionName: 'img' });
  const got = await lambda.send(new GetFunctionCommand({ FunctionName: 'img' }));
  t.same(got.Code, {
    RepositoryType: 'ECR',
    ImageUri: 'img:latest',
    ResolvedImageUri: `img@sha256:${sha256Hex('img:latest')}`,
  }, 'Code names the image and its resolved digest, no Location');
  t.match(got.Configuration, { PackageType: 'Image', CodeSha256: sha256Hex('img:latest'), ImageConfigResponse: { ImageConfig: { Command: ['app.handler'] } } });

  const config = await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: 'img' }));
  t.match(config, { PackageType: 'Image', CodeSize: 0, ImageConfigResponse: { ImageConfig: { WorkingDirectory: '/var/task' } } });
  t.notOk(config.Runtime);
  t.notOk(config.Handler);

  const plain = await createImage(lambda, 'plain');
  t.notOk(plain.ImageConfigResponse, 'no ImageConfigResponse without an ImageConfig');
  t.notOk((await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: 'plain' }))).ImageConfigResponse);
});

t.test('a reference pinned by digest keeps that digest; any well-formed Docker reference is accepted', async (t) => {
  const { lambda } = await startTestServer(t);
  const digest = 'a'.repeat(64);
  const pinned = await createImage(lambda, 'pinned', { Code: { ImageUri: `localhost:5000/team/fn:v1@sha256:${digest}` } });
  t.equal(pinned.CodeSha256, digest);
  const got = await lambda.send(new GetFunctionCommand({ FunctionName: 'pinned' }));
  t.equal(got.Code?.ResolvedImageUri, `localhost:5000/team/fn@sha256:${digest}`);

  const references = [
    'my-fn',
    'public.ecr.aws/lambda/nodejs:20',
    '000000000000.dkr.ecr.us-east-1.amazonaws.com/repo/name:tag_1.0-rc',
    'registry.local:5000/a__b/c.d-e',
  ];
  for (const [i, uri] of references.entries()) {
    const created = await createImage(lambda, `ref-${i}`, { Code: { ImageUri: uri } });
    t.equal(created.CodeSha256, sha256Hex(uri), `${uri} is accepted`);
  }
});

t.test('CreateFunction refusals, with AWS error types and messages', async (t) => {
  const { lambda } = await startTestServer(t);
  const code = await zip(NODE_ECHO);
  const layer = await lambda.send(new PublishLayerVersionCommand({ LayerName: 'l', Content: { ZipFile: await zip({ 'x.txt': 'x' }) } }));
  const noRuntime = "Please don't provide Handler or Runtime or Layer when the intended function PackageType is Image.";
  const cases: [string, () => Promise<unknown>, { name: string; status: number; message: string | RegExp }][] = [
    ['Runtime on an image', () => createImage(lambda, 'a', { Runtime: 'nodejs20.x' }), { name: 'InvalidParameterValueException', status: 400, message: noRuntime }],
    ['Handler on an image', () => createImage(lambda, 'b', { Handler: 'index.handler' }), { name: 'InvalidParameterValueException', status: 400, message: noRuntime }],
    ['Layers on an image', () => createImage(lambda, 'c', { Layers: [layer.LayerVersionArn!] }), { name: 'InvalidParameterValueException', status: 400, message: noRuntime }],
    ['an image without ImageUri', () => createImage(lambda, 'd', { Code: {} }),
      { name: 'InvalidParameterValueException', status: 400, message: 'Please provide ImageUri when the intended function PackageType is Image.' }],
    ['a ZipFile for an image', () => createImage(lambda, 'e', { Code: { ImageUri: 'e:1', ZipFile: code } }),
      { name: 'InvalidParameterValueException', status: 400, message: "Please don't provide ZipFile or S3Bucket when the intended function PackageType is Image." }],
    ['an upper-case repository', () => createImage(lambda, 'f', { Code: { ImageUri: 'My-Fn:latest' } }),
      { name: 'InvalidParameterValueException', status: 400, message: 'Source image My-Fn:latest is not valid. Provide a valid source image.' }],
    ['a tag with a space', () => createImage(lambda, 'g', { Code: { ImageUri: 'fn:bad tag' } }),
      { name: 'InvalidParameterValueException', status: 400, message: 'Source image fn:bad tag is not valid. Provide a valid source image.' }],
    ['a short digest', () => createImage(lambda, 'h', { Code: { ImageUri: 'fn@sha256:abc' } }),
      { name: 'InvalidParameterValueException', status: 400, message: 'Source image fn@sha256:abc is not valid. Provide a valid source image.' }],
    ['a PackageType outside the enum', () => createImage(lambda, 'i', { PackageType: 'Docker' as 'Image' }),
      { name: 'ValidationException', status: 400, message: "1 validation error detected: Value 'Docker' at 'packageType' failed to satisfy constraint: Member must satisfy enum value set: [Zip, Image]" }],
    ['a Zip function with only ImageUri', () => createFunction(lambda, 'j', { Code: { ImageUri: 'j:1' } }),
      { name: 'InvalidParameterValueException', status: 400, message: 'Please provide a source for function code.' }],
    ['a Zip function with ZipFile and ImageUri', () => createFunction(lambda, 'k', { Code: { ZipFile: code, ImageUri: 'k:1' } }),
      { name: 'InvalidParameterValueException', status: 400, message: "Please don't provide ImageUri when the intended function PackageType is Zip." }],
    ['ImageConfig on a Zip function', () => createFunction(lambda, 'l', { ImageConfig: { Command: ['x'] } }),
      { name: 'InvalidParameterValueException', status: 400, message: "Please don't provide ImageConfig when the intended function PackageType is Zip." }],
    ['a Zip function without Runtime', () => createFunction(lambda, 'm', { Runtime: undefined }),
      { name: 'InvalidParameterValueException', status: 400, message: 'Runtime and Handler are mandatory parameters for functions created with deployment packages.' }],
    ['a WorkingDirectory over 1000 characters', () => createImage(lambda, 'n', { ImageConfig: { WorkingDirectory: `/${'w'.repeat(1000)}` } }),
      { name: 'ValidationException', status: 400, message: /at 'imageConfig.workingDirectory' failed to satisfy constraint: Member must have length less than or equal to 1000$/ }],
  ];
  for (const [what, call, expected] of cases) t.match(await rejection(call()), expected, what);
  const listed = await lambda.send(new ListFunctionsCommand({}));
  t.same(listed.Functions, [], 'nothing was created');
});

t.test('UpdateFunctionCode: a new image for an image function; AWS refuses the other package type', async (t) => {
  const { lambda } = await startTestServer(t);
  await createImage(lambda, 'img', { ImageConfig: { Command: ['app.handler'] } });
  await createFunction(lambda, 'zipped');

  const updated = await lambda.send(new UpdateFunctionCodeCommand({ FunctionName: 'img', ImageUri: 'img:v2' }));
  t.match(updated, { CodeSha256: sha256Hex('img:v2'), CodeSize: 0, PackageType: 'Image', ImageConfigResponse: { ImageConfig: { Command: ['app.handler'] } } });
  await waitUntilFunctionUpdatedV2({ client: lambda, maxWaitTime: 10 }, { FunctionName: 'img' });
  const got = await lambda.send(new GetFunctionCommand({ FunctionName: 'img' }));
  t.same(got.Code, { RepositoryType: 'ECR', ImageUri: 'img:v2', ResolvedImageUri: `img@sha256:${sha256Hex('img:v2')}` });

  const dry = await lambda.send(new UpdateFunctionCodeCommand({ FunctionName: 'img', ImageUri: 'img:v3', DryRun: true }));
  t.equal(dry.CodeSha256, sha256Hex('img:v3'), 'DryRun answers with the new digest');
  t.equal((await lambda.send(new GetFunctionCommand({ FunctionName: 'img' }))).Code?.ImageUri, 'img:v2', '... and changes nothing');

  const zipFile = await zip(NODE_ECHO);
  t.match(await rejection(lambda.send(new UpdateFunctionCodeCommand({ FunctionName: 'img', ZipFile: zipFile }))),
    { name: 'InvalidParameterValueException', status: 400, message: 'Please provide ImageUri when updating a function with packageType Image.' });
  t.match(await rejection(lambda.send(new UpdateFunctionCodeCommand({ FunctionName: 'img', ImageUri: 'img:v4', ZipFile: zipFile }))),
    { name: 'InvalidParameterValueException', status: 400, message: 'Please provide ImageUri when updating a function with packageType Image.' });
  t.match(await rejection(lambda.send(new UpdateFunctionCodeCommand({ FunctionName: 'zipped', ImageUri: 'zipped:1' }))),
    { name: 'InvalidParameterValueException', status: 400, message: "Please don't provide ImageUri when updating a function with packageType Zip." });
  t.match(await rejection(lambda.send(new UpdateFunctionCodeCommand({ FunctionName: 'img', ImageUri: 'IMG' }))),
    { name: 'InvalidParameterValueException', status: 400, message: 'Source image IMG is not valid. Provide a valid source image.' });
  t.equal((await lambda.send(new GetFunctionCommand({ FunctionName: 'img' }))).Code?.ImageUri, 'img:v2', 'the refusals changed nothing');
});

t.test('UpdateFunctionConfiguration: ImageConfig replaced whole, cleared by {}, refused for Zip; no Runtime for images', async (t) => {
  const { lambda } = await startTestServer(t);
  await createImage(lambda, 'img', { ImageConfig: { EntryPoint: ['sh'], Command: ['-c', 'echo test'], WorkingDirectory: '/app1' } });
  await createFunction(lambda, 'zipped');

  const replaced = await lambda.send(new UpdateFunctionConfigurationCommand({
    FunctionName: 'img', ImageConfig: { Command: ['-c', 'echo test1'], WorkingDirectory: '/app1' },
  }));
  t.same(replaced.ImageConfigResponse, { ImageConfig: { Command: ['-c', 'echo test1'], WorkingDirectory: '/app1' } }, 'EntryPoint is gone');
  const kept = await lambda.send(new UpdateFunctionConfigurationCommand({ FunctionName: 'img', Timeout: 30 }));
  t.same(kept.ImageConfigResponse, replaced.ImageConfigResponse, 'an update without ImageConfig keeps it');
  const cleared = await lambda.send(new UpdateFunctionConfigurationCommand({ FunctionName: 'img', ImageConfig: {} }));
  t.notOk(cleared.ImageConfigResponse, 'ImageConfig {} clears it');
  t.notOk((await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: 'img' }))).ImageConfigResponse);

  const noRuntime = "Please don't provide Handler or Runtime or Layer when the intended function PackageType is Image.";
  t.match(await rejection(lambda.send(new UpdateFunctionConfigurationCommand({ FunctionName: 'img', Runtime: 'nodejs20.x' }))),
    { name: 'InvalidParameterValueException', status: 400, message: noRuntime });
  t.match(await rejection(lambda.send(new UpdateFunctionConfigurationCommand({ FunctionName: 'img', Handler: 'index.handler' }))),
    { name: 'InvalidParameterValueException', status: 400, message: noRuntime });
  t.match(await rejection(lambda.send(new UpdateFunctionConfigurationCommand({ FunctionName: 'zipped', ImageConfig: { Command: ['x'] } }))),
    { name: 'InvalidParameterValueException', status: 400, message: "Please don't provide ImageConfig when updating a function with packageType Zip." });
  t.match(await rejection(lambda.send(new UpdateFunctionConfigurationCommand({ FunctionName: 'img', ImageConfig: { Command: Array(1501).fill('x') } }))),
    { name: 'ValidationException', status: 400, message: /at 'imageConfig.command' failed to satisfy constraint: Member must have length less than or equal to 1500$/ });
});

t.test('PublishVersion freezes the image and its ImageConfig; versions and lists keep them', async (t) => {
  const { lambda } = await startTestServer(t);
  await createImage(lambda, 'img', { ImageConfig: { Command: ['one.handler'] }, Publish: true });

  t.match(await rejection(lambda.send(new PublishVersionCommand({ FunctionName: 'img', CodeSha256: 'wrong' }))), {
    name: 'InvalidParameterValueException',
    message: `CodeSHA256 (wrong) is different from current CodeSHA256 in $LATEST (${sha256Hex('img:latest')}). Please try again with the CodeSHA256 in $LATEST.`,
  });
  const same = await lambda.send(new PublishVersionCommand({ FunctionName: 'img', CodeSha256: sha256Hex('img:latest') }));
  t.equal(same.Version, '1', 'nothing changed: PublishVersion answers with version 1 again');

  await lambda.send(new UpdateFunctionCodeCommand({ FunctionName: 'img', ImageUri: 'img:v2' }));
  await lambda.send(new UpdateFunctionConfigurationCommand({ FunctionName: 'img', ImageConfig: { Command: ['two.handler'] } }));
  const v2 = await lambda.send(new PublishVersionCommand({ FunctionName: 'img' }));
  t.match(v2, { Version: '2', CodeSha256: sha256Hex('img:v2'), ImageConfigResponse: { ImageConfig: { Command: ['two.handler'] } } });
  await lambda.send(new UpdateFunctionCodeCommand({ FunctionName: 'img', ImageUri: 'img:v3' }));

  const v1 = await lambda.send(new GetFunctionCommand({ FunctionName: 'img', Qualifier: '1' }));
  t.same(v1.Code, { RepositoryType: 'ECR', ImageUri: 'img:latest', ResolvedImageUri: `img@sha256:${sha256Hex('img:latest')}` });
  t.match(v1.Configuration, { Version: '1', CodeSha256: sha256Hex('img:latest'), ImageConfigResponse: { ImageConfig: { Command: ['one.handler'] } } });
  t.equal((await lambda.send(new GetFunctionCommand({ FunctionName: 'img', Qualifier: '2' }))).Code?.ImageUri, 'img:v2');
  t.equal((await lambda.send(new GetFunctionCommand({ FunctionName: 'img' }))).Code?.ImageUri, 'img:v3');

  const versions = await lambda.send(new ListVersionsByFunctionCommand({ FunctionName: 'img' }));
  t.same(versions.Versions?.map((v) => [v.Version, v.PackageType, v.CodeSha256, v.ImageConfigResponse?.ImageConfig?.Command]), [
    ['$LATEST', 'Image', sha256Hex('img:v3'), ['two.handler']],
    ['1', 'Image', sha256Hex('img:latest'), ['one.handler']],
    ['2', 'Image', sha256Hex('img:v2'), ['two.handler']],
  ]);
  const listed = await lambda.send(new ListFunctionsCommand({}));
  t.match(listed.Functions, [{ FunctionName: 'img', PackageType: 'Image', CodeSize: 0, ImageConfigResponse: { ImageConfig: { Command: ['two.handler'] } } }]);
  t.notOk(listed.Functions?.[0]?.Runtime);
});

t.test('an image function survives a restart', async (t) => {
  const first = await startTestServer(t, {}, { keepData: true });
  await createImage(first.lambda, 'kept', { ImageConfig: { WorkingDirectory: '/srv' }, Publish: true });
  await first.stop();
  const second = await startTestServer(t, { dataDir: first.dataDir });
  const got = await second.lambda.send(new GetFunctionCommand({ FunctionName: 'kept', Qualifier: '1' }));
  t.same(got.Code, { RepositoryType: 'ECR', ImageUri: 'kept:latest', ResolvedImageUri: `kept@sha256:${sha256Hex('kept:latest')}` });
  t.match(got.Configuration, { PackageType: 'Image', CodeSha256: sha256Hex('kept:latest'), ImageConfigResponse: { ImageConfig: { WorkingDirectory: '/srv' } } });
});

t.test('on the default process executor an image function fails its invoke at once with a clear reason', async (t) => {
  const { lambda, server } = await startTestServer(t);
  await createImage(lambda, 'img');
  const err = await rejection(lambda.send(new InvokeCommand({ FunctionName: 'img', Payload: Buffer.from('{}') })));
  t.match(err, { name: 'InvalidRuntimeException', status: 502, message: /container-image functions \(PackageType Image\) run only on the docker executor/ });
  t.same(server.engine.stats(), {}, 'no environment was started');
});
