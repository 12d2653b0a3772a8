// A provisioned concurrency configuration survives a restart, and its environments start again.
import { ListProvisionedConcurrencyConfigsCommand, PutProvisionedConcurrencyConfigCommand } from '@aws-sdk/client-lambda';
import t from 'tap';
import { invoke } from '../helpers/invoke.js';
import { startTestServer, tempDir } from '../helpers/server.js';
import { deployVersion, settled } from './helpers.js';

t.test('after a restart the configuration is READY again with its environments', async (t) => {
  const dataDir = tempDir();
  const first = await startTestServer(t, { dataDir }, { keepData: true });
  await deployVersion(first.lambda, 'durable');
  await first.lambda.send(new PutProvisionedConcurrencyConfigCommand({ FunctionName: 'durable', Qualifier: '1', ProvisionedConcurrentExecutions: 2 }));
  t.equal((await settled(first.lambda, 'durable', '1')).Status, 'READY');
  await first.stop();

  const second = await startTestServer(t, { dataDir });
  const ready = await settled(second.lambda, 'durable', '1');
  t.equal(ready.Status, 'READY');
  t.equal(ready.AllocatedProvisionedConcurrentExecutions, 2);
  t.match(second.server.engine.stats(), { 'durable:1': { environments: 2, provisioned: 2, busy: 0 } }, 'started before any invoke');
  const list = await second.lambda.send(new ListProvisionedConcurrencyConfigsCommand({ FunctionName: 'durable' }));
  t.equal(list.ProvisionedConcurrencyConfigs?.length, 1);
  const run = await invoke(second.lambda, 'durable', {}, { Qualifier: '1', LogType: 'Tail' });
  t.equal(run.body.initializationType, 'provisioned-concurrency');
  t.notMatch(run.log, /Init Duration/);
});
