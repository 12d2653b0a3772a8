// Provisioned environments: started before the first invoke and used by it with no cold start,
// started as `provisioned-concurrency`, counted against the reservation and the account, stopped
// when their configuration, alias or version goes.
import {
  CreateAliasCommand,
  DeleteAliasCommand,
  DeleteFunctionCommand,
  DeleteProvisionedConcurrencyConfigCommand,
  GetAccountSettingsCommand,
  PutFunctionConcurrencyCommand,
  PutProvisionedConcurrencyConfigCommand,
  TooManyRequestsException,
} from '@aws-sdk/client-lambda';
import t from 'tap';
import { invoke } from '../helpers/invoke.js';
import { startTestServer } from '../helpers/server.js';
import { deployVersion, settled } from './helpers.js';

/** Waits until `check` holds (environments stop asynchronously). */
async function eventually(check: () => boolean, timeoutMs = 5000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  return true;
}

t.test('environments are ready before the first invoke, which has no Init Duration', async (t) => {
  const { lambda, server } = await startTestServer(t);
  await deployVersion(lambda, 'early');
  await lambda.send(new CreateAliasCommand({ FunctionName: 'early', Name: 'live', FunctionVersion: '1' }));
  await lambda.send(new PutProvisionedConcurrencyConfigCommand({ FunctionName: 'early', Qualifier: 'live', ProvisionedConcurrentExecutions: 2 }));
  const ready = await settled(lambda, 'early', 'live');
  t.equal(ready.Status, 'READY');
  t.equal(ready.AllocatedProvisionedConcurrentExecutions, 2);
  t.match(server.engine.stats(), { 'early:1': { environments: 2, idle: 2, busy: 0, provisioned: 2 } }, 'two environments, no invoke yet');

  const first = await invoke(lambda, 'early', {}, { Qualifier: 'live', LogType: 'Tail' });
  t.equal(first.executedVersion, '1');
  t.equal(first.body.initializationType, 'provisioned-concurrency', 'the handler sees AWS_LAMBDA_INITIALIZATION_TYPE');
  t.match(first.log, /REPORT RequestId: /);
  t.notMatch(first.log, /Init Duration/, 'no cold start in the REPORT line');
  t.match(server.engine.stats(), { 'early:1': { environments: 2, provisioned: 2 } }, 'no environment was started for it');

  // $LATEST has no provisioned concurrency: its environments are on-demand.
  const latest = await invoke(lambda, 'early', {}, { LogType: 'Tail' });
  t.equal(latest.body.initializationType, 'on-demand');
  t.match(latest.log, /Init Duration/);
});

t.test('counted in concurrency: the account unreserved pool, and the reservation', async (t) => {
  const { lambda } = await startTestServer(t);
  const before = await lambda.send(new GetAccountSettingsCommand({}));
  await deployVersion(lambda, 'counted');
  await lambda.send(new PutProvisionedConcurrencyConfigCommand({ FunctionName: 'counted', Qualifier: '1', ProvisionedConcurrentExecutions: 2 }));
  const after = await lambda.send(new GetAccountSettingsCommand({}));
  t.equal(
    after.AccountLimit?.UnreservedConcurrentExecutions,
    before.AccountLimit!.UnreservedConcurrentExecutions! - 2,
    'provisioned concurrency without a reservation comes out of the unreserved pool',
  );

  await lambda.send(new PutFunctionConcurrencyCommand({ FunctionName: 'counted', ReservedConcurrentExecutions: 2 }));
  const reserved = await lambda.send(new GetAccountSettingsCommand({}));
  t.equal(reserved.AccountLimit?.UnreservedConcurrentExecutions, before.AccountLimit!.UnreservedConcurrentExecutions! - 2, 'within the reservation it is not counted twice');
  t.equal((await settled(lambda, 'counted', '1')).Status, 'READY');

  const slow = () => invoke(lambda, 'counted', { sleepMs: 1500 }, { Qualifier: '1' });
  const running = [slow(), slow()];
  await new Promise((resolve) => setTimeout(resolve, 300));
  const third = await slow().then(() => undefined, (err: unknown) => err);
  t.ok(third instanceof TooManyRequestsException, 'a third concurrent invoke is throttled');
  t.equal((third as TooManyRequestsException).$metadata.httpStatusCode, 429);
  t.equal((third as TooManyRequestsException).Reason, 'ReservedFunctionConcurrentInvocationLimitExceeded');
  const results = await Promise.all(running);
  t.same(results.map((r) => r.body.initializationType), ['provisioned-concurrency', 'provisioned-concurrency'], 'both ran on provisioned environments');
});

t.test('deleting the configuration, the alias, or the function stops the environments', async (t) => {
  const { lambda, server } = await startTestServer(t);
  await deployVersion(lambda, 'stopping');
  await lambda.send(new CreateAliasCommand({ FunctionName: 'stopping', Name: 'live', FunctionVersion: '1' }));
  const provisioned = () => server.engine.stats()['stopping:1']?.provisioned ?? 0;

  await lambda.send(new PutProvisionedConcurrencyConfigCommand({ FunctionName: 'stopping', Qualifier: '1', ProvisionedConcurrentExecutions: 2 }));
  t.equal((await settled(lambda, 'stopping', '1')).Status, 'READY');
  t.equal(provisioned(), 2);
  await lambda.send(new DeleteProvisionedConcurrencyConfigCommand({ FunctionName: 'stopping', Qualifier: '1' }));
  t.ok(await eventually(() => provisioned() === 0), 'deleting the configuration stops them');
  t.match(server.engine.stats(), { 'stopping:1': { environments: 0 } });

  await lambda.send(new PutProvisionedConcurrencyConfigCommand({ FunctionName: 'stopping', Qualifier: 'live', ProvisionedConcurrentExecutions: 1 }));
  t.equal((await settled(lambda, 'stopping', 'live')).Status, 'READY');
  t.equal(provisioned(), 1);
  await lambda.send(new DeleteAliasCommand({ FunctionName: 'stopping', Name: 'live' }));
  t.ok(await eventually(() => provisioned() === 0), 'deleting the alias stops them');

  await lambda.send(new PutProvisionedConcurrencyConfigCommand({ FunctionName: 'stopping', Qualifier: '1', ProvisionedConcurrentExecutions: 1 }));
  t.equal((await settled(lambda, 'stopping', '1')).Status, 'READY');
  await lambda.send(new DeleteFunctionCommand({ FunctionName: 'stopping' }));
  t.ok(await eventually(() => server.engine.stats()['stopping:1'] === undefined), 'deleting the function stops them');
});

t.test('an environment that cannot start: FAILED with a StatusReason', async (t) => {
  const { lambda } = await startTestServer(t);
  await deployVersion(lambda, 'broken', { 'index.js': 'throw new Error("no init for you");\n' });
  await lambda.send(new PutProvisionedConcurrencyConfigCommand({ FunctionName: 'broken', Qualifier: '1', ProvisionedConcurrentExecutions: 1 }));
  const failed = await settled(lambda, 'broken', '1');
  t.equal(failed.Status, 'FAILED');
  t.equal(failed.AllocatedProvisionedConcurrentExecutions, 0);
  t.match(failed.StatusReason, /no init for you/);
});

t.test('never reaped by the keep-alive; a new count scales them up or down', async (t) => {
  const { lambda, server } = await startTestServer(t, { keepAliveMs: 200 });
  await deployVersion(lambda, 'kept');
  await lambda.send(new PutProvisionedConcurrencyConfigCommand({ FunctionName: 'kept', Qualifier: '1', ProvisionedConcurrentExecutions: 1 }));
  t.equal((await settled(lambda, 'kept', '1')).Status, 'READY');
  await invoke(lambda, 'kept', {}, { Qualifier: '1' });
  await invoke(lambda, 'kept', {});
  await new Promise((resolve) => setTimeout(resolve, 700));
  t.match(server.engine.stats(), { 'kept:1': { environments: 1, provisioned: 1 } }, 'the provisioned environment outlives the keep-alive');
  t.match(server.engine.stats(), { 'kept:$LATEST': { environments: 0 } }, 'the on-demand one was reaped');

  await lambda.send(new PutProvisionedConcurrencyConfigCommand({ FunctionName: 'kept', Qualifier: '1', ProvisionedConcurrentExecutions: 3 }));
  const up = await settled(lambda, 'kept', '1');
  t.equal(up.AllocatedProvisionedConcurrentExecutions, 3);
  t.match(server.engine.stats(), { 'kept:1': { environments: 3, provisioned: 3 } });
  await lambda.send(new PutProvisionedConcurrencyConfigCommand({ FunctionName: 'kept', Qualifier: '1', ProvisionedConcurrentExecutions: 1 }));
  t.ok(await eventually(() => server.engine.stats()['kept:1']?.environments === 1), 'scaled down to one');
  t.equal((await settled(lambda, 'kept', '1')).AllocatedProvisionedConcurrentExecutions, 1);
});
