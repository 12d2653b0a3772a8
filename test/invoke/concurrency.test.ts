// Reserved concurrency and throttling through the official SDK ("Configuring reserved concurrency"
// in the Lambda developer guide): invocations beyond the reservation fail with 429
// TooManyRequestsException, Reason ReservedFunctionConcurrentInvocationLimitExceeded and a
// Retry-After header (the service model binds it to `retryAfterSeconds`).
import {
  DeleteFunctionConcurrencyCommand,
  GetAccountSettingsCommand,
  PutFunctionConcurrencyCommand,
  TooManyRequestsException,
} from '@aws-sdk/client-lambda';
import t from 'tap';
import { deploy, invoke } from '../helpers/invoke.js';
import { startTestServer } from '../helpers/server.js';

const SLOW = `
exports.handler = async (event) => {
  await new Promise((resolve) => setTimeout(resolve, event.sleepMs ?? 0));
  return { done: true };
};
`;

/** The error an invoke was throttled with, or undefined when it ran. */
async function throttled(p: Promise<unknown>): Promise<TooManyRequestsException | undefined> {
  try {
    await p;
    return undefined;
  } catch (err) {
    if (err instanceof TooManyRequestsException) return err;
    throw err;
  }
}

t.test('reserved concurrency 1: of two concurrent slow invokes one runs, one gets 429', async (t) => {
  const { lambda } = await startTestServer(t);
  await deploy(lambda, 'single', { 'index.js': SLOW });
  const put = await lambda.send(new PutFunctionConcurrencyCommand({ FunctionName: 'single', ReservedConcurrentExecutions: 1 }));
  t.equal(put.ReservedConcurrentExecutions, 1);

  const outcomes = await Promise.all([
    throttled(invoke(lambda, 'single', { sleepMs: 1500 })),
    (async () => {
      await new Promise((resolve) => setTimeout(resolve, 300)); // the first one holds the only slot
      return throttled(invoke(lambda, 'single', { sleepMs: 1500 }));
    })(),
  ]);
  t.equal(outcomes[0], undefined, 'the first invoke ran');
  const err = outcomes[1];
  t.ok(err, 'the second invoke was throttled');
  t.equal(err?.name, 'TooManyRequestsException');
  t.equal(err?.$metadata.httpStatusCode, 429);
  t.equal(err?.Reason, 'ReservedFunctionConcurrentInvocationLimitExceeded');
  t.equal(err?.retryAfterSeconds, '1', 'Retry-After reaches the SDK as retryAfterSeconds');
  t.equal(err?.message, 'Rate Exceeded.');

  const after = await invoke(lambda, 'single', {});
  t.same(after.body, { done: true }, 'once the slot is free, invokes run again');
});

t.test('the raw 429 response: status, x-amzn-ErrorType, Retry-After and the JSON body', async (t) => {
  const { lambda, server } = await startTestServer(t);
  await deploy(lambda, 'raw', { 'index.js': SLOW });
  await lambda.send(new PutFunctionConcurrencyCommand({ FunctionName: 'raw', ReservedConcurrentExecutions: 0 }));

  const res = await fetch(`${server.url}/2015-03-31/functions/raw/invocations`, { method: 'POST', body: '{}' });
  t.equal(res.status, 429);
  t.equal(res.headers.get('retry-after'), '1');
  t.equal(res.headers.get('x-amzn-errortype'), 'TooManyRequestsException');
  t.same(await res.json(), { Type: 'User', message: 'Rate Exceeded.', Reason: 'ReservedFunctionConcurrentInvocationLimitExceeded' });
});

t.test('reserved 0 throttles every invoke; DeleteFunctionConcurrency lifts it', async (t) => {
  const { lambda } = await startTestServer(t);
  await deploy(lambda, 'paused', { 'index.js': SLOW });
  await deploy(lambda, 'neighbour', { 'index.js': SLOW });

  const before = await lambda.send(new GetAccountSettingsCommand({}));
  const limit = before.AccountLimit!.ConcurrentExecutions!;
  t.equal(before.AccountLimit?.UnreservedConcurrentExecutions, limit, 'nothing reserved yet');

  await lambda.send(new PutFunctionConcurrencyCommand({ FunctionName: 'paused', ReservedConcurrentExecutions: 0 }));
  for (let i = 0; i < 3; i++) {
    const err = await throttled(invoke(lambda, 'paused', {}));
    t.equal(err?.Reason, 'ReservedFunctionConcurrentInvocationLimitExceeded', `invoke ${i + 1} throttled`);
  }
  t.same((await invoke(lambda, 'neighbour', {})).body, { done: true }, 'other functions are not affected');

  await lambda.send(new PutFunctionConcurrencyCommand({ FunctionName: 'neighbour', ReservedConcurrentExecutions: 5 }));
  const reserved = await lambda.send(new GetAccountSettingsCommand({}));
  t.equal(reserved.AccountLimit?.UnreservedConcurrentExecutions, limit - 5, 'the reservation comes out of the unreserved pool');

  await lambda.send(new DeleteFunctionConcurrencyCommand({ FunctionName: 'paused' }));
  await lambda.send(new DeleteFunctionConcurrencyCommand({ FunctionName: 'neighbour' }));
  t.same((await invoke(lambda, 'paused', {})).body, { done: true }, 'invokes work after DeleteFunctionConcurrency');
  const after = await lambda.send(new GetAccountSettingsCommand({}));
  t.equal(after.AccountLimit?.UnreservedConcurrentExecutions, limit);
});

t.test('a throttled invoke runs nothing and a reservation of 3 admits exactly 3 at once', async (t) => {
  const { lambda, server } = await startTestServer(t);
  await deploy(lambda, 'three', { 'index.js': SLOW }, { Timeout: 10 });
  await lambda.send(new PutFunctionConcurrencyCommand({ FunctionName: 'three', ReservedConcurrentExecutions: 3 }));

  const outcomes = await Promise.all([0, 1, 2, 3, 4].map(() => throttled(invoke(lambda, 'three', { sleepMs: 1500 }))));
  t.equal(outcomes.filter((o) => o === undefined).length, 3, 'three ran');
  t.equal(outcomes.filter((o) => o !== undefined).length, 2, 'two were throttled');
  t.match(server.engine.stats(), { 'three:$LATEST': { environments: 3 } }, 'no environment was started for a throttled invoke');
});
