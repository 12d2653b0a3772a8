// Versions and a weighted alias through the official SDK: a published version is frozen (its
// environment variables included), and an alias with RoutingConfig.AdditionalVersionWeights sends
// that share of invocations to the additional version ("Implement Lambda canary deployments using
// a weighted alias"), telling the caller which one ran in ExecutedVersion.
import {
  CreateAliasCommand,
  PublishVersionCommand,
  UpdateAliasCommand,
  UpdateFunctionConfigurationCommand,
} from '@aws-sdk/client-lambda';
import t from 'tap';
import { ACCOUNT_ARN, deploy, invoke } from '../helpers/invoke.js';
import { startTestServer } from '../helpers/server.js';

// VER, not V: AWS's key pattern [a-zA-Z]([a-zA-Z0-9_])+ needs two characters at least.
const WHICH = `
exports.handler = async (event, context) => ({
  v: process.env.VER,
  version: context.functionVersion,
  arn: context.invokedFunctionArn,
});
`;

async function twoVersions(t: Parameters<Parameters<typeof t.test>[1]>[0]) {
  const started = await startTestServer(t);
  const { lambda } = started;
  await deploy(lambda, 'canary', { 'index.js': WHICH }, { Environment: { Variables: { VER: 'one' } } });
  t.equal((await lambda.send(new PublishVersionCommand({ FunctionName: 'canary' }))).Version, '1');
  await lambda.send(new UpdateFunctionConfigurationCommand({ FunctionName: 'canary', Environment: { Variables: { VER: 'two' } } }));
  t.equal((await lambda.send(new PublishVersionCommand({ FunctionName: 'canary' }))).Version, '2');
  return started;
}

t.test('each version runs with the environment it was published with', async (t) => {
  const { lambda } = await twoVersions(t);
  const v1 = await invoke(lambda, 'canary', {}, { Qualifier: '1' });
  t.equal(v1.executedVersion, '1');
  t.same(v1.body, { v: 'one', version: '1', arn: `${ACCOUNT_ARN}:canary:1` });
  const v2 = await invoke(lambda, 'canary', {}, { Qualifier: '2' });
  t.equal(v2.executedVersion, '2');
  t.same(v2.body, { v: 'two', version: '2', arn: `${ACCOUNT_ARN}:canary:2` });

  await lambda.send(new UpdateFunctionConfigurationCommand({ FunctionName: 'canary', Environment: { Variables: { VER: 'three' } } }));
  const latest = await invoke(lambda, 'canary', {});
  t.equal(latest.executedVersion, '$LATEST');
  t.equal(latest.body.v, 'three', '$LATEST runs with its latest environment, even on a warm pool');
  t.equal((await invoke(lambda, 'canary', {}, { Qualifier: '1' })).body.v, 'one', 'version 1 is frozen');
  t.equal((await invoke(lambda, 'canary', {}, { Qualifier: '2' })).body.v, 'two', 'version 2 is frozen');
});

t.test('a weighted alias: about 30% of 200 invokes run version 2, and the payload agrees', async (t) => {
  const { lambda } = await twoVersions(t);
  await lambda.send(new CreateAliasCommand({
    FunctionName: 'canary', Name: 'live', FunctionVersion: '1', RoutingConfig: { AdditionalVersionWeights: { '2': 0.3 } },
  }));

  const results = [];
  // Ten at a time: quick, yet each batch reuses the warm environments of both versions.
  for (let batch = 0; batch < 20; batch++) {
    results.push(...(await Promise.all(Array.from({ length: 10 }, () => invoke(lambda, 'canary', {}, { Qualifier: 'live' })))));
  }
  t.equal(results.length, 200);
  t.ok(results.every((r) => r.status === 200 && r.functionError === undefined), 'every invoke succeeded');
  t.ok(results.every((r) => (r.executedVersion === '1' && r.body.v === 'one') || (r.executedVersion === '2' && r.body.v === 'two')),
    'ExecutedVersion names the version that ran');
  t.ok(results.every((r) => r.body.version === r.executedVersion), 'context.functionVersion agrees');
  t.ok(results.every((r) => r.body.arn === `${ACCOUNT_ARN}:canary:live`), 'invokedFunctionArn is the alias ARN the caller used');
  const share = results.filter((r) => r.executedVersion === '2').length / results.length;
  t.ok(share >= 0.2 && share <= 0.4, `share of version 2 is 0.3 ± 0.1 (${share})`);
});

t.test('an alias without weights always runs its version; re-pointing it takes effect at once', async (t) => {
  const { lambda } = await twoVersions(t);
  await lambda.send(new CreateAliasCommand({ FunctionName: 'canary', Name: 'stable', FunctionVersion: '1' }));
  const before = await Promise.all(Array.from({ length: 10 }, () => invoke(lambda, 'canary', {}, { Qualifier: 'stable' })));
  t.ok(before.every((r) => r.executedVersion === '1' && r.body.v === 'one'), 'all ten ran version 1');

  await lambda.send(new UpdateAliasCommand({ FunctionName: 'canary', Name: 'stable', FunctionVersion: '2' }));
  const after = await invoke(lambda, 'canary', {}, { Qualifier: 'stable' });
  t.equal(after.executedVersion, '2');
  t.equal(after.body.v, 'two');

  const byAliasArn = await invoke(lambda, `${ACCOUNT_ARN}:canary:stable`, {});
  t.equal(byAliasArn.executedVersion, '2', 'the alias ARN as FunctionName resolves the same way');
});
