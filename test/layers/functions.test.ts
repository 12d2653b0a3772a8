// Functions that use layers, through the official SDK: Layers must name existing layer versions
// (AWS's checks and messages, from LocalStack's AWS-recorded snapshots TestLambdaLayer), the
// configuration shows each layer's real CodeSize, and code plus layers stay within 250 MB unzipped.
import {
  DeleteLayerVersionCommand,
  GetFunctionConfigurationCommand,
  ListFunctionsCommand,
  PublishLayerVersionCommand,
  PublishVersionCommand,
  UpdateFunctionCodeCommand,
  UpdateFunctionConfigurationCommand,
  type LambdaClient,
} from '@aws-sdk/client-lambda';
import t from 'tap';
import yazl from 'yazl';
import { createFunction, rejection } from '../helpers/aws.js';
import { NODE_ECHO, startTestServer, zip, zipBytes } from '../helpers/server.js';

const LAYER_ARN = 'arn:aws:lambda:us-east-1:000000000000:layer';

async function publish(lambda: LambdaClient, name: string, files: Record<string, string> = { 'nodejs/node_modules/x/index.js': 'module.exports = 1;\n' }) {
  return lambda.send(new PublishLayerVersionCommand({ LayerName: name, Content: { ZipFile: await zip(files) } }));
}

t.test('CreateFunction and UpdateFunctionConfiguration take existing layer versions, in order, with their CodeSize', async (t) => {
  const { lambda } = await startTestServer(t);
  const a = await publish(lambda, 'a');
  const b = await publish(lambda, 'b', { 'python/b.py': 'B = 2\n'.repeat(50) });
  const created = await createFunction(lambda, 'with-layers', { Layers: [b.LayerVersionArn!, a.LayerVersionArn!] });
  t.same(created.Layers, [
    { Arn: b.LayerVersionArn, CodeSize: b.Content?.CodeSize },
    { Arn: a.LayerVersionArn, CodeSize: a.Content?.CodeSize },
  ], 'in the order given, each with its .zip size');
  t.ok(b.Content!.CodeSize! > 0);

  const updated = await lambda.send(new UpdateFunctionConfigurationCommand({ FunctionName: 'with-layers', Layers: [a.LayerVersionArn!] }));
  t.same(updated.Layers, [{ Arn: a.LayerVersionArn, CodeSize: a.Content?.CodeSize }]);
  const listed = await lambda.send(new ListFunctionsCommand({}));
  t.same(listed.Functions?.[0]?.Layers, updated.Layers, 'ListFunctions shows the same');

  const published = await lambda.send(new PublishVersionCommand({ FunctionName: 'with-layers' }));
  const v1 = await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: 'with-layers', Qualifier: published.Version }));
  t.same(v1.Layers, updated.Layers, 'a published version keeps its layers');

  const cleared = await lambda.send(new UpdateFunctionConfigurationCommand({ FunctionName: 'with-layers', Layers: [] }));
  t.notOk(cleared.Layers, 'Layers: [] removes them');
  const v1Again = await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: 'with-layers', Qualifier: published.Version }));
  t.same(v1Again.Layers, updated.Layers, 'the published version is unchanged');
});

t.test('Layers that AWS refuses', async (t) => {
  const { lambda } = await startTestServer(t);
  const v1 = await publish(lambda, 'shared');
  const v2 = await publish(lambda, 'shared');
  await createFunction(lambda, 'fn');
  const update = (Layers: string[]) => rejection(lambda.send(new UpdateFunctionConfigurationCommand({ FunctionName: 'fn', Layers })));
  const invalid = { name: 'InvalidParameterValueException', status: 400 };

  t.match(await update([v1.LayerVersionArn!, v2.LayerVersionArn!]), {
    ...invalid,
    message: `Two different versions of the same layer are not allowed to be referenced in the same function. ${v1.LayerVersionArn} and ${v2.LayerVersionArn} are versions of the same layer.`,
  });
  t.match(await update([v1.LayerVersionArn!, v1.LayerVersionArn!]), {
    ...invalid,
    message: `Two different versions of the same layer are not allowed to be referenced in the same function. ${v1.LayerVersionArn} and ${v1.LayerVersionArn} are versions of the same layer.`,
  });
  t.match(await update([`${LAYER_ARN}:doesnotexist:1`]), { ...invalid, message: `Layer version ${LAYER_ARN}:doesnotexist:1 does not exist.` });
  t.match(await update([`${LAYER_ARN}:shared:9`]), { ...invalid, message: `Layer version ${LAYER_ARN}:shared:9 does not exist.` });
  t.match(await update(['arn:aws:lambda:eu-west-1:000000000000:layer:shared:1']), {
    ...invalid, message: 'Layers are not in the same region as the function. Layers are expected to be in region us-east-1.',
  });
  t.match(await update([v1.LayerArn!]), {
    name: 'ValidationException',
    message: new RegExp(`^1 validation error detected: Value '\\[${v1.LayerArn}\\]' at 'layers' failed to satisfy constraint: Member must satisfy constraint: \\[Member must have length less than or equal to 2048`),
  }, 'a layer ARN without version');

  const six = [];
  for (let i = 0; i < 6; i++) six.push((await publish(lambda, `six-${i}`)).LayerVersionArn!);
  t.match(await rejection(createFunction(lambda, 'six', { Layers: six })), { ...invalid, message: 'Cannot reference more than 5 layers.' });

  await lambda.send(new DeleteLayerVersionCommand({ LayerName: 'shared', VersionNumber: 1 }));
  t.match(await rejection(createFunction(lambda, 'deleted', { Layers: [v1.LayerVersionArn!] })), {
    ...invalid, message: `Layer version ${v1.LayerVersionArn} does not exist.`,
  }, 'a deleted version cannot be added');
  const fn = await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: 'fn' }));
  t.notOk(fn.Layers, 'the refused updates changed nothing');
  const listed = await lambda.send(new ListFunctionsCommand({}));
  t.same(listed.Functions?.map((f) => f.FunctionName), ['fn'], 'the refused creates created nothing');
});

t.test('a function that uses a deleted layer version keeps it, with its CodeSize', async (t) => {
  const { lambda } = await startTestServer(t);
  const layer = await publish(lambda, 'going');
  await createFunction(lambda, 'keeps', { Layers: [layer.LayerVersionArn!] });
  await lambda.send(new DeleteLayerVersionCommand({ LayerName: 'going', VersionNumber: 1 }));
  const config = await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: 'keeps' }));
  t.same(config.Layers, [{ Arn: layer.LayerVersionArn, CodeSize: layer.Content?.CodeSize }]);
  const other = await lambda.send(new UpdateFunctionConfigurationCommand({ FunctionName: 'keeps', Timeout: 9 }));
  t.same(other.Layers, config.Layers, 'an update that leaves Layers alone keeps them');
  const code = await lambda.send(new UpdateFunctionCodeCommand({ FunctionName: 'keeps', ZipFile: await zip({ 'index.js': 'exports.handler = async () => 2;\n' }) }));
  t.same(code.Layers, config.Layers, 'so does new code');
});

/** A zip of one `bytes`-long file of zeros: tiny to send, `bytes` once unpacked. */
function zeros(name: string, bytes: number): Promise<Buffer> {
  const z = new yazl.ZipFile();
  z.addBuffer(Buffer.alloc(bytes), name, { compressionLevel: 1 } as yazl.Options);
  return zipBytes(z);
}

t.test('code plus layers over 250 MB unzipped is refused with AWS\'s message', async (t) => {
  const { lambda } = await startTestServer(t);
  const MB = 1024 * 1024;
  const big = async (name: string) =>
    lambda.send(new PublishLayerVersionCommand({ LayerName: name, Content: { ZipFile: await zeros(`${name}.bin`, 125 * MB) } }));
  const one = await big('big-one');
  const two = await big('big-two');
  const fnCode = await zip(NODE_ECHO);
  const err = await rejection(createFunction(lambda, 'too-big', { Code: { ZipFile: fnCode }, Layers: [one.LayerVersionArn!, two.LayerVersionArn!] }));
  const actual = 250 * MB + Buffer.byteLength(NODE_ECHO['index.js']);
  t.match(err, {
    name: 'InvalidParameterValueException',
    status: 400,
    message: `Function code combined with layers exceeds the maximum allowed size of 262144000 bytes. The actual size is ${actual} bytes.`,
  });
  await createFunction(lambda, 'fits', { Layers: [one.LayerVersionArn!] });
  t.match(await rejection(lambda.send(new UpdateFunctionConfigurationCommand({ FunctionName: 'fits', Layers: [one.LayerVersionArn!, two.LayerVersionArn!] }))), {
    name: 'InvalidParameterValueException', message: /^Function code combined with layers exceeds the maximum allowed size/,
  }, 'UpdateFunctionConfiguration too');
});
