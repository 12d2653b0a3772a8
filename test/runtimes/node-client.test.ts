// The Node.js runtime client, compiled (`npx tsc -p .`), run as a real child process against a
// fake Runtime API. Expected shapes are those of AWS's Node.js runtime interface client.
import t, { type Test } from 'tap';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { FakeRuntimeApi, startRuntime, type RuntimeProcess } from './fake-runtime-api.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const clientPath = `${root}dist/runtimes/node/client.js`;
const fixture = (name: string) => `${root}test/fixtures/functions/${name}`;
const ISO = '\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z';

if (!existsSync(clientPath)) throw new Error(`${clientPath} is missing: run \`npx tsc -p .\` first`);

async function start(tt: Test, name: string, handler: string, env: Record<string, string> = {})
  : Promise<{ api: FakeRuntimeApi; rt: RuntimeProcess }> {
  const api = await FakeRuntimeApi.start();
  tt.teardown(() => api.close());
  const rt = startRuntime((fn) => tt.teardown(fn), process.execPath, [clientPath], api, fixture(name), handler, env);
  return { api, rt };
}

t.test('CommonJS handler: payload, context, warm state and log records', async (t) => {
  const { api, rt } = await start(t, 'node-cjs', 'index.handler');
  const deadlineMs = Date.now() + 10_000;
  const first = await api.invoke({ name: 'ada' }, {
    requestId: 'req-1', deadlineMs, traceId: 'Root=1-abc;Parent=def;Sampled=1',
    functionArn: 'arn:aws:lambda:us-east-1:000000000000:function:fn:live',
    clientContext: JSON.stringify({ custom: { tenant: 't1' }, env: { platform: 'test' } }),
    cognitoIdentity: JSON.stringify({ cognitoIdentityId: 'id-1', cognitoIdentityPoolId: 'pool-1' }),
  });
  t.equal(first.kind, 'response');
  t.equal(first.requestId, 'req-1');
  const body = first.json;
  t.match(body, {
    module: 'cjs', event: { name: 'ada' }, invocations: 1,
    functionName: 'fn', functionVersion: '$LATEST', memoryLimitInMB: '256',
    invokedFunctionArn: 'arn:aws:lambda:us-east-1:000000000000:function:fn:live',
    awsRequestId: 'req-1', logGroupName: '/aws/lambda/fn', logStreamName: '2024/01/01/[$LATEST]0123456789abcdef',
    clientContext: { custom: { tenant: 't1' }, env: { platform: 'test' } },
    identity: { cognitoIdentityId: 'id-1', cognitoIdentityPoolId: 'pool-1' },
    callbackWaitsForEmptyEventLoop: true,
    traceId: 'Root=1-abc;Parent=def;Sampled=1',
    cwd: fixture('node-cjs'),
  });
  t.ok(body.remainingMs <= 10_000 && body.remainingMs > 8_000, `remaining ${body.remainingMs} ≈ deadline − now`);

  const second = await api.invoke({ name: 'bob' }, { requestId: 'req-2' });
  t.equal(second.json.invocations, 2, 'module state survives between invokes in one process');
  t.equal(second.json.traceId, undefined, '_X_AMZN_TRACE_ID is cleared when the invoke has no trace id');
  t.equal(second.json.clientContext, undefined);

  const lines = (await rt.stdoutMatching(/\treq-2\tERROR\tan error record\n/)).split('\n');
  t.match(lines[0], new RegExp(`^${ISO}\\tundefined\\tINFO\\tcold start of .*index\\.js$`), 'init-phase record');
  t.ok(lines.some((l) => new RegExp(`^${ISO}\\treq-1\\tINFO\\thandling ada \\rsecond line$`).test(l)),
    'one record per console.log, newline replaced by \\r');
  t.ok(lines.some((l) => new RegExp(`^${ISO}\\treq-2\\tERROR\\tan error record$`).test(l)), 'console.error is ERROR');
});

t.test('getRemainingTimeInMillis decreases with time', async (t) => {
  const { api } = await start(t, 'node-cjs', 'index.remaining');
  const { json } = await api.invoke({ sleepMs: 120 }, { deadlineMs: Date.now() + 5_000 });
  t.ok(json.first > 4_000 && json.first <= 5_000, `first ${json.first}`);
  t.ok(json.first - json.second >= 100, `dropped by the sleep (${json.first} → ${json.second})`);
});

t.test('ES module handlers: .mjs and .js under "type": "module"', async (t) => {
  const mjs = await start(t, 'node-esm', 'index.handler');
  t.match((await mjs.api.invoke({ a: 1 })).json, { module: 'esm', url: true, event: { a: 1 }, invocations: 1 });
  t.match((await mjs.api.invoke({ a: 2 })).json, { invocations: 2 });
  const typeModule = await start(t, 'node-esm-typejs', 'index.handler');
  t.same((await typeModule.api.invoke([1, 2])).json, { module: 'esm', event: [1, 2] });
});

t.test('callback handlers', async (t) => {
  const { api } = await start(t, 'node-callback', 'index.handler');
  t.same((await api.invoke({}, { requestId: 'cb-1' })).json, { timerFired: true, requestId: 'cb-1' },
    'callbackWaitsForEmptyEventLoop (default): answered once the event loop is empty');
  t.same((await api.invoke({ dontWait: true }, { requestId: 'cb-2' })).json, { timerFired: false, requestId: 'cb-2' },
    'callbackWaitsForEmptyEventLoop = false: answered at once');

  const fails = await start(t, 'node-callback', 'index.fails');
  const failed = await fails.api.invoke({});
  t.equal(failed.kind, 'error');
  t.equal(failed.headers['lambda-runtime-function-error-type'], 'RangeError');
  t.match(failed.json, { errorType: 'RangeError', errorMessage: 'out of range' });

  const twice = await start(t, 'node-callback', 'index.calledTwice');
  t.equal((await twice.api.invoke({})).body, '"first"', 'only the first callback counts');
  const sync = await start(t, 'node-callback', 'index.syncReturn');
  t.equal((await sync.api.invoke({})).body, 'null', 'a sync handler that never calls back answers null, as on AWS');
  const legacy = await start(t, 'node-callback', 'index.legacySucceed');
  t.same((await legacy.api.invoke({})).json, { legacy: true }, 'context.succeed');
});

t.test('handler errors', async (t) => {
  const { api, rt } = await start(t, 'node-errors', 'index.throwsTypeError');
  const thrown = await api.invoke({}, { requestId: 'err-1' });
  t.equal(thrown.kind, 'error');
  t.equal(thrown.headers['lambda-runtime-function-error-type'], 'TypeError');
  t.equal(thrown.json.errorType, 'TypeError');
  t.equal(thrown.json.errorMessage, 'bad type');
  t.equal(thrown.json.trace[0], 'TypeError: bad type', 'trace is the stack, one line per entry');
  t.match(thrown.json.trace[1], /node-errors\/index\.js:\d+:\d+/);
  t.equal(thrown.json.stackTrace, undefined, 'Node.js sends trace, not stackTrace');
  t.match(await rt.stdoutMatching(/Invoke Error/), /\terr-1\tERROR\tInvoke Error \t\{"errorType":"TypeError","errorMessage":"bad type"/);
  t.equal((await api.invoke({})).kind, 'error', 'the process keeps serving after a handler error');

  const custom = await start(t, 'node-errors', 'index.rejectsCustom');
  const rejected = await custom.api.invoke({});
  t.equal(rejected.headers['lambda-runtime-function-error-type'], 'ValidationError');
  t.match(rejected.json, { errorType: 'ValidationError', errorMessage: 'invalid input' });

  const str = await start(t, 'node-errors', 'index.throwsString');
  t.same((await str.api.invoke({})).json, { errorType: 'string', errorMessage: 'plain string', trace: [] },
    'a thrown non-Error is reported by its typeof, as AWS does');

  const big = await start(t, 'node-errors', 'index.unserialisable');
  t.match((await big.api.invoke({})).json, { errorType: 'Error', errorMessage: 'Unable to stringify response body' });

  const never = await start(t, 'node-errors', 'index.neverSettles');
  t.match((await never.api.invoke({})).json, { errorType: 'Runtime.NodeJsExit' },
    'an async handler whose promise never settles fails once the event loop is empty');
});

t.test('an uncaught exception during an invoke is reported, then the process exits 129', async (t) => {
  const { api, rt } = await start(t, 'node-errors', 'index.uncaught');
  const posted = await api.invoke({});
  t.equal(posted.kind, 'error');
  t.match(posted.json, { errorType: 'Error', errorMessage: 'thrown from a timer' });
  t.equal(await rt.exited, 129);
});

t.test('init failures go to /init/error and the process exits 129', async (t) => {
  const cases: Array<[string, string, string, RegExp]> = [
    ['missing.handler', 'Runtime.ImportModuleError', 'missing module', /^Error: Cannot find module 'missing'/],
    ['index.nope', 'Runtime.HandlerNotFound', 'missing export', /^index\.nope is undefined or not exported$/],
    ['index.notAFunction', 'Runtime.HandlerNotFound', 'export not a function', /^index\.notAFunction is not a function$/],
    ['index', 'Runtime.MalformedHandlerName', 'no dot', /^Bad handler$/],
    ['../index.handler', 'Runtime.MalformedHandlerName', 'relative path', /is not a valid handler name/],
  ];
  for (const [handler, errorType, what, message] of cases) {
    const { api, rt } = await start(t, 'node-cjs', handler);
    const posted = await api.initError();
    t.equal(posted.headers['lambda-runtime-function-error-type'], errorType, `${what}: header`);
    t.equal(posted.json.errorType, errorType, `${what}: errorType`);
    t.match(posted.json.errorMessage, message, `${what}: errorMessage`);
    t.type(posted.json.trace, Array, `${what}: trace`);
    t.equal(await rt.exited, 129, `${what}: exit code`);
    t.match(await rt.stdoutMatching(/Uncaught Exception/), /\tundefined\tERROR\tUncaught Exception \t\{"errorType":"Runtime\./, `${what}: logged`);
  }

  const syntax = await start(t, 'node-errors', 'syntax.handler');
  t.match((await syntax.api.initError()).json, { errorType: 'Runtime.UserCodeSyntaxError', errorMessage: /^SyntaxError: / });
  const throws = await start(t, 'node-errors', 'init-throws.handler');
  t.match((await throws.api.initError()).json, { errorType: 'Error', errorMessage: 'failed during init' },
    'an error thrown by the module body keeps its own type');
  t.equal(await throws.rt.exited, 129);
});
