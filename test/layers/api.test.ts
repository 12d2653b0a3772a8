// Layers through the official SDK: every operation of the /2018-10-31/layers paths, with the shapes
// and errors LocalStack's AWS-recorded snapshots (TestLambdaLayer) show for AWS.
import {
  AddLayerVersionPermissionCommand,
  DeleteLayerVersionCommand,
  GetLayerVersionByArnCommand,
  GetLayerVersionCommand,
  GetLayerVersionPolicyCommand,
  ListLayersCommand,
  ListLayerVersionsCommand,
  PublishLayerVersionCommand,
  RemoveLayerVersionPermissionCommand,
  type LambdaClient,
} from '@aws-sdk/client-lambda';
import { createHash } from 'node:crypto';
import t from 'tap';
import { rejection } from '../helpers/aws.js';
import { startTestServer, tempDir, zip } from '../helpers/server.js';

const LAYER_ARN = 'arn:aws:lambda:us-east-1:000000000000:layer';
const TIMESTAMP = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+0000$/;

async function publish(lambda: LambdaClient, name: string, files: Record<string, string> = { 'nodejs/node_modules/x/index.js': 'module.exports = 1;\n' }, extra = {}) {
  return lambda.send(new PublishLayerVersionCommand({ LayerName: name, Content: { ZipFile: await zip(files) }, ...extra }));
}

t.test('PublishLayerVersion stores the zip and answers 201 with the model\'s shape; versions count from 1', async (t) => {
  const { lambda } = await startTestServer(t);
  const content = await zip({ 'python/shared.py': 'VALUE = 1\n' });
  const v1 = await lambda.send(new PublishLayerVersionCommand({
    LayerName: 'shared',
    Description: 'shared helpers',
    LicenseInfo: 'MIT',
    CompatibleRuntimes: ['python3.12', 'python3.11'],
    CompatibleArchitectures: ['x86_64', 'arm64'],
    Content: { ZipFile: content },
  }));
  t.equal(v1.$metadata.httpStatusCode, 201);
  t.match(v1, {
    LayerArn: `${LAYER_ARN}:shared`,
    LayerVersionArn: `${LAYER_ARN}:shared:1`,
    Version: 1,
    Description: 'shared helpers',
    LicenseInfo: 'MIT',
    CompatibleRuntimes: ['python3.12', 'python3.11'],
    CompatibleArchitectures: ['x86_64', 'arm64'],
    Content: { CodeSha256: createHash('sha256').update(content).digest('base64'), CodeSize: content.length },
  });
  t.match(v1.CreatedDate, TIMESTAMP);
  const download = await fetch(v1.Content!.Location!);
  t.equal(download.status, 200, 'Content.Location serves the archive');
  t.same(Buffer.from(await download.arrayBuffer()), content, 'byte for byte');

  // Nothing needs to change for a new version (AWS-recorded test_layer_lifecycle).
  const v2 = await lambda.send(new PublishLayerVersionCommand({ LayerName: 'shared', Content: { ZipFile: content } }));
  t.equal(v2.Version, 2);
  t.equal(v2.Content?.CodeSha256, v1.Content?.CodeSha256);
  t.equal(v2.Description, '', 'Description defaults to the empty string');
  t.notOk('CompatibleRuntimes' in v2, 'no CompatibleRuntimes member when none was given');
  t.notOk('LicenseInfo' in v2);

  const empty = await publish(lambda, 'empty-lists', undefined, { CompatibleRuntimes: [], CompatibleArchitectures: [] });
  t.same([empty.CompatibleRuntimes, empty.CompatibleArchitectures], [[], []], 'empty lists are valid and echoed');
});

t.test('GetLayerVersion and GetLayerVersionByArn, by name or by layer ARN', async (t) => {
  const { lambda } = await startTestServer(t);
  const published = await publish(lambda, 'getme', undefined, { CompatibleRuntimes: ['nodejs20.x'] });
  const { $metadata: _m, ...expected } = published;
  const byName = await lambda.send(new GetLayerVersionCommand({ LayerName: 'getme', VersionNumber: 1 }));
  t.equal(byName.$metadata.httpStatusCode, 200);
  t.match(byName, expected);
  const byLayerArn = await lambda.send(new GetLayerVersionCommand({ LayerName: `${LAYER_ARN}:getme`, VersionNumber: 1 }));
  t.equal(byLayerArn.LayerVersionArn, published.LayerVersionArn);
  const byArn = await lambda.send(new GetLayerVersionByArnCommand({ Arn: published.LayerVersionArn }));
  t.match(byArn, expected);

  const missing = { name: 'ResourceNotFoundException', status: 404, message: 'The resource you requested does not exist.' };
  t.match(await rejection(lambda.send(new GetLayerVersionCommand({ LayerName: 'nope', VersionNumber: 1 }))), missing);
  t.match(await rejection(lambda.send(new GetLayerVersionCommand({ LayerName: 'getme', VersionNumber: 2 }))), missing);
  t.match(await rejection(lambda.send(new GetLayerVersionByArnCommand({ Arn: `${LAYER_ARN}:getme:2` }))), missing);
  t.match(await rejection(lambda.send(new GetLayerVersionCommand({ LayerName: 'getme', VersionNumber: 0 }))), {
    name: 'InvalidParameterValueException', status: 400, message: 'Layer Version Cannot be less than 1',
  });
  t.match(await rejection(lambda.send(new GetLayerVersionByArnCommand({ Arn: published.LayerArn }))), {
    name: 'ValidationException', status: 400, message: /Value 'arn:aws:lambda:us-east-1:000000000000:layer:getme' at 'arn' failed to satisfy constraint/,
  }, 'a layer ARN without version is no layer version ARN');
  t.match(await rejection(lambda.send(new GetLayerVersionCommand({ LayerName: 'bad name!', VersionNumber: 1 }))), {
    name: 'ValidationException', message: /at 'layerName' failed to satisfy constraint: Member must satisfy regular expression pattern/,
  });
});

t.test('PublishLayerVersion refuses what AWS refuses', async (t) => {
  const { lambda } = await startTestServer(t);
  const good = await zip({ 'bin/tool': '#!/bin/sh\n' });
  t.match(await rejection(lambda.send(new PublishLayerVersionCommand({
    LayerName: 'bad', Content: { ZipFile: good }, CompatibleRuntimes: ['invalidruntime'], CompatibleArchitectures: ['invalidarch'],
  }))), {
    name: 'ValidationException',
    status: 400,
    message: /^2 validation errors detected: Value '\[invalidruntime\]' at 'compatibleRuntimes' failed to satisfy constraint: Member must satisfy enum value set: \[.*nodejs20\.x.*\]; Value '\[invalidarch\]' at 'compatibleArchitectures' failed to satisfy constraint: Member must satisfy constraint: \[Member must satisfy enum value set: \[x86_64, arm64\], Member must not be null\]$/,
  });
  const sixteen = Array.from({ length: 16 }, () => 'python3.12');
  t.match(await rejection(lambda.send(new PublishLayerVersionCommand({ LayerName: 'bad', Content: { ZipFile: good }, CompatibleRuntimes: sixteen }))), {
    name: 'ValidationException', message: /at 'compatibleRuntimes' failed to satisfy constraint: Member must have length less than or equal to 15/,
  });
  t.match(await rejection(lambda.send(new PublishLayerVersionCommand({ LayerName: 'bad', Content: {} }))), {
    name: 'InvalidParameterValueException', message: 'Missing Content',
  });
  t.match(await rejection(lambda.send(new PublishLayerVersionCommand({ LayerName: 'bad', Content: { ZipFile: Buffer.from('not a zip') } }))), {
    name: 'InvalidParameterValueException', message: 'Could not unzip uploaded file. Please check your file, then try to upload again.',
  });
  // The code store's checks apply to layers too: no entry may leave the tree.
  // Same-length name patched in both headers: zip tools refuse to write a `..` entry themselves.
  const slip = Buffer.from(await zip({ 'zz/escape.txt': 'x' }).then((b) => b.toString('latin1').replaceAll('zz/escape.txt', '../escape.txt')), 'latin1');
  t.match(await rejection(lambda.send(new PublishLayerVersionCommand({ LayerName: 'bad', Content: { ZipFile: slip } }))), {
    name: 'InvalidParameterValueException', message: /path escapes the package root/,
  });
  t.same((await lambda.send(new ListLayerVersionsCommand({ LayerName: 'bad' }))).LayerVersions, [], 'nothing was published');
  const after = await publish(lambda, 'bad');
  t.equal(after.Version, 1, 'refused publishes take no version number');
});

t.test('ListLayerVersions (newest first) and ListLayers (latest matching version), with filters and paging', async (t) => {
  const { lambda } = await startTestServer(t);
  await publish(lambda, 'alpha', undefined, { CompatibleRuntimes: ['nodejs20.x'], CompatibleArchitectures: ['x86_64'] });
  await publish(lambda, 'alpha', undefined, { CompatibleRuntimes: ['python3.12'], CompatibleArchitectures: ['arm64'] });
  await publish(lambda, 'beta', undefined, { CompatibleRuntimes: ['nodejs20.x', 'python3.12'] });
  await publish(lambda, 'gamma');

  const versions = await lambda.send(new ListLayerVersionsCommand({ LayerName: 'alpha' }));
  t.same(versions.LayerVersions?.map((v) => v.Version), [2, 1], 'newest first');
  t.match(versions.LayerVersions?.[0], {
    LayerVersionArn: `${LAYER_ARN}:alpha:2`, Version: 2, Description: '', CompatibleRuntimes: ['python3.12'], CompatibleArchitectures: ['arm64'],
  });
  t.notOk(versions.LayerVersions?.[0] && 'Content' in versions.LayerVersions[0], 'list items carry no Content');
  const nodeOnly = await lambda.send(new ListLayerVersionsCommand({ LayerName: 'alpha', CompatibleRuntime: 'nodejs20.x' }));
  t.same(nodeOnly.LayerVersions?.map((v) => v.Version), [1]);
  t.same((await lambda.send(new ListLayerVersionsCommand({ LayerName: 'nothing-here' }))).LayerVersions, [], 'an unknown layer lists empty');

  const page1 = await lambda.send(new ListLayerVersionsCommand({ LayerName: 'alpha', MaxItems: 1 }));
  t.same(page1.LayerVersions?.map((v) => v.Version), [2]);
  t.ok(page1.NextMarker);
  const page2 = await lambda.send(new ListLayerVersionsCommand({ LayerName: 'alpha', MaxItems: 1, Marker: page1.NextMarker }));
  t.same(page2.LayerVersions?.map((v) => v.Version), [1]);
  t.notOk(page2.NextMarker);

  const all = await lambda.send(new ListLayersCommand({}));
  t.same(all.Layers?.map((l) => [l.LayerName, l.LatestMatchingVersion?.Version]), [['alpha', 2], ['beta', 1], ['gamma', 1]]);
  t.match(all.Layers?.[0], { LayerArn: `${LAYER_ARN}:alpha`, LatestMatchingVersion: { LayerVersionArn: `${LAYER_ARN}:alpha:2` } });
  const node = await lambda.send(new ListLayersCommand({ CompatibleRuntime: 'nodejs20.x' }));
  t.same(node.Layers?.map((l) => [l.LayerName, l.LatestMatchingVersion?.Version]), [['alpha', 1], ['beta', 1]],
    'the latest version that matches, and no layer that declares no runtimes');
  const arm = await lambda.send(new ListLayersCommand({ CompatibleArchitecture: 'arm64' }));
  t.same(arm.Layers?.map((l) => l.LayerName), ['alpha']);

  const first = await lambda.send(new ListLayersCommand({ MaxItems: 2 }));
  const rest = await lambda.send(new ListLayersCommand({ MaxItems: 2, Marker: first.NextMarker }));
  t.same([...first.Layers!, ...rest.Layers!].map((l) => l.LayerName), ['alpha', 'beta', 'gamma']);
  t.notOk(rest.NextMarker);

  t.match(await rejection(lambda.send(new ListLayersCommand({ CompatibleRuntime: 'runtimedoesnotexist' }))), {
    name: 'ValidationException', message: /^1 validation error detected: Value 'runtimedoesnotexist' at 'compatibleRuntime' failed to satisfy constraint: Member must satisfy enum value set: \[/,
  });
  t.match(await rejection(lambda.send(new ListLayersCommand({ CompatibleArchitecture: 'archdoesnotexist' }))), {
    name: 'ValidationException',
    message: "1 validation error detected: Value 'archdoesnotexist' at 'compatibleArchitecture' failed to satisfy constraint: Member must satisfy enum value set: [x86_64, arm64]",
  });
  t.match(await rejection(lambda.send(new ListLayersCommand({ MaxItems: 51 }))), { name: 'ValidationException', message: /maxItems/ });
});

t.test('DeleteLayerVersion is idempotent; numbers are never reused; a layer version survives a restart', async (t) => {
  const dataDir = tempDir();
  const first = await startTestServer(t, { dataDir });
  let lambda = first.lambda;
  await publish(lambda, 'lifecycle');
  await publish(lambda, 'lifecycle');
  for (const [name, version] of [['never-existed', 1], ['lifecycle', 9], ['lifecycle', 1], ['lifecycle', 1]] as const) {
    const deleted = await lambda.send(new DeleteLayerVersionCommand({ LayerName: name, VersionNumber: version }));
    t.equal(deleted.$metadata.httpStatusCode, 204, `delete ${name}:${version} answers 204`);
  }
  t.match(await rejection(lambda.send(new DeleteLayerVersionCommand({ LayerName: 'lifecycle', VersionNumber: -1 }))), {
    name: 'InvalidParameterValueException', message: 'Layer Version Cannot be less than 1',
  });
  t.match(await rejection(lambda.send(new GetLayerVersionCommand({ LayerName: 'lifecycle', VersionNumber: 1 }))), { name: 'ResourceNotFoundException' });
  t.same((await lambda.send(new ListLayerVersionsCommand({ LayerName: 'lifecycle' }))).LayerVersions?.map((v) => v.Version), [2]);
  await lambda.send(new DeleteLayerVersionCommand({ LayerName: 'lifecycle', VersionNumber: 2 }));
  t.same((await lambda.send(new ListLayersCommand({}))).Layers, [], 'a layer without live versions is not listed');

  await first.stop();
  const second = await startTestServer(t, { dataDir });
  lambda = second.lambda;
  const again = await publish(lambda, 'lifecycle', { 'a.txt': 'after restart' });
  t.equal(again.Version, 3, 'numbering goes on after deleting every version, and across a restart');
  const kept = await publish(lambda, 'kept', { 'a.txt': 'kept' }, { Description: 'survives' });
  await second.stop();

  const third = await startTestServer(t, { dataDir });
  const got = await third.lambda.send(new GetLayerVersionCommand({ LayerName: 'kept', VersionNumber: 1 }));
  t.match(got, { Description: 'survives', Content: { CodeSha256: kept.Content?.CodeSha256, CodeSize: kept.Content?.CodeSize } });
  const download = await fetch(got.Content!.Location!);
  t.equal(download.status, 200, 'the archive is still served after a restart');
});

t.test('layer version permissions: add, get, remove, with revision ids and AWS\'s errors', async (t) => {
  const { lambda } = await startTestServer(t);
  const layer = await publish(lambda, 'shared');
  const arn = layer.LayerVersionArn!;
  const noPolicy = await rejection(lambda.send(new GetLayerVersionPolicyCommand({ LayerName: 'shared', VersionNumber: 1 })));
  t.match(noPolicy, { name: 'ResourceNotFoundException', status: 404, message: 'No policy is associated with the given resource.' });

  const s1 = await lambda.send(new AddLayerVersionPermissionCommand({
    LayerName: 'shared', VersionNumber: 1, StatementId: 'xaccount', Action: 'lambda:GetLayerVersion', Principal: '223456789012',
  }));
  t.equal(s1.$metadata.httpStatusCode, 201);
  t.same(JSON.parse(s1.Statement!), {
    Sid: 'xaccount', Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::223456789012:root' }, Action: 'lambda:GetLayerVersion', Resource: arn,
  });
  const policy = await lambda.send(new GetLayerVersionPolicyCommand({ LayerName: 'shared', VersionNumber: 1 }));
  t.equal(policy.RevisionId, s1.RevisionId);
  t.same(JSON.parse(policy.Policy!), { Version: '2012-10-17', Id: 'default', Statement: [JSON.parse(s1.Statement!)] });

  const s2 = await lambda.send(new AddLayerVersionPermissionCommand({
    LayerName: 'shared', VersionNumber: 1, StatementId: 'org', Action: 'lambda:GetLayerVersion', Principal: '*',
    OrganizationId: 'o-t194hfs8cz', RevisionId: policy.RevisionId,
  }));
  t.same(JSON.parse(s2.Statement!), {
    Sid: 'org', Effect: 'Allow', Principal: '*', Action: 'lambda:GetLayerVersion', Resource: arn,
    Condition: { StringEquals: { 'aws:PrincipalOrgID': 'o-t194hfs8cz' } },
  });
  t.not(s2.RevisionId, s1.RevisionId, 'every change makes a new revision');

  const add = (input: Partial<ConstructorParameters<typeof AddLayerVersionPermissionCommand>[0]>) =>
    rejection(lambda.send(new AddLayerVersionPermissionCommand({
      LayerName: 'shared', VersionNumber: 1, StatementId: 'other', Action: 'lambda:GetLayerVersion', Principal: '*', ...input,
    })));
  t.match(await add({ Action: '*' }), {
    name: 'ValidationException',
    message: "1 validation error detected: Value '*' at 'action' failed to satisfy constraint: Member must satisfy regular expression pattern: lambda:GetLayerVersion",
  });
  t.match(await add({ StatementId: 'xaccount' }), {
    name: 'ResourceConflictException', status: 409,
    message: 'The statement id (xaccount) provided already exists. Please provide a new statement id, or remove the existing statement.',
  });
  t.match(await add({ RevisionId: s1.RevisionId }), {
    name: 'PreconditionFailedException', status: 412,
    message: 'The Revision Id provided does not match the latest Revision Id. Call the GetLayerPolicy API to retrieve the latest Revision Id',
  });
  t.match(await add({ VersionNumber: 2 }), { name: 'ResourceNotFoundException', message: `Layer version ${LAYER_ARN}:shared:2 does not exist.` });
  t.match(await add({ LayerName: 'shared-nope' }), { name: 'ResourceNotFoundException', message: `Layer version ${LAYER_ARN}:shared-nope:1 does not exist.` });

  const remove = (sid: string, revisionId?: string) =>
    lambda.send(new RemoveLayerVersionPermissionCommand({ LayerName: 'shared', VersionNumber: 1, StatementId: sid, RevisionId: revisionId }));
  t.match(await rejection(remove('doesnotexist')), { name: 'ResourceNotFoundException', message: 'Statement doesnotexist is not found in resource policy.' });
  t.match(await rejection(remove('org', 'wrong')), { name: 'PreconditionFailedException' });
  t.equal((await remove('org', s2.RevisionId)).$metadata.httpStatusCode, 204);
  const after = await lambda.send(new GetLayerVersionPolicyCommand({ LayerName: 'shared', VersionNumber: 1 }));
  t.same(JSON.parse(after.Policy!).Statement.map((s: { Sid: string }) => s.Sid), ['xaccount']);
  t.not(after.RevisionId, s2.RevisionId);
  await remove('xaccount');
  t.match(await rejection(lambda.send(new GetLayerVersionPolicyCommand({ LayerName: 'shared', VersionNumber: 1 }))), {
    message: 'No policy is associated with the given resource.',
  });
});
