// Node.js functions through the official SDK: CommonJS, ES modules (.mjs and "type": "module") and
// callback handlers return their results; the context object carries what AWS documents
// (https://docs.aws.amazon.com/lambda/latest/dg/nodejs-context.html); failures come back with
// X-Amz-Function-Error: Unhandled and AWS's error payload.
import { PublishVersionCommand } from '@aws-sdk/client-lambda';
import t from 'tap';
import { ACCOUNT_ARN, deploy, invoke } from '../helpers/invoke.js';
import { startTestServer } from '../helpers/server.js';

const CONTEXT_HANDLER = `
exports.handler = async (event, context) => ({
  event,
  module: typeof require === 'function' ? 'cjs' : 'esm',
  functionName: context.functionName,
  functionVersion: context.functionVersion,
  invokedFunctionArn: context.invokedFunctionArn,
  memoryLimitInMB: context.memoryLimitInMB,
  awsRequestId: context.awsRequestId,
  logGroupName: context.logGroupName,
  logStreamName: context.logStreamName,
  remainingMs: context.getRemainingTimeInMillis(),
  clientContext: context.clientContext,
});
`;

t.test('a CommonJS handler returns its result, and its context says what AWS documents', async (t) => {
  const { lambda } = await startTestServer(t);
  await deploy(lambda, 'cjs', { 'index.js': CONTEXT_HANDLER }, { MemorySize: 256, Timeout: 7 });

  const res = await invoke(lambda, 'cjs', { hello: 'world' });
  t.equal(res.status, 200);
  t.equal(res.executedVersion, '$LATEST');
  t.equal(res.functionError, undefined, 'no FunctionError on success');
  const c = res.body;
  t.same(c.event, { hello: 'world' }, 'the event arrives as sent');
  t.equal(c.module, 'cjs');
  t.equal(c.functionName, 'cjs');
  t.equal(c.functionVersion, '$LATEST');
  t.equal(c.invokedFunctionArn, `${ACCOUNT_ARN}:cjs`, 'unqualified invoke: unqualified ARN');
  t.equal(c.memoryLimitInMB, '256', 'memoryLimitInMB is a string, as on AWS');
  t.match(c.awsRequestId, /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
  t.equal(c.logGroupName, '/aws/lambda/cjs');
  t.match(c.logStreamName, /^\d{4}\/\d{2}\/\d{2}\/\[\$LATEST\][0-9a-f]{32}$/);
  t.ok(c.remainingMs > 0 && c.remainingMs <= 7000, `getRemainingTimeInMillis() within the timeout (${c.remainingMs})`);
  t.equal(c.clientContext, undefined, 'no ClientContext sent, none seen');

  const again = await invoke(lambda, 'cjs', {});
  t.not(again.body.awsRequestId, c.awsRequestId, 'every invocation has its own request id');
});

t.test('invokedFunctionArn carries the qualifier the caller used; functionVersion the version run', async (t) => {
  const { lambda } = await startTestServer(t);
  await deploy(lambda, 'qualified', { 'index.js': CONTEXT_HANDLER });
  await lambda.send(new PublishVersionCommand({ FunctionName: 'qualified' }));

  const v1 = await invoke(lambda, 'qualified', {}, { Qualifier: '1' });
  t.equal(v1.executedVersion, '1');
  t.equal(v1.body.functionVersion, '1');
  t.equal(v1.body.invokedFunctionArn, `${ACCOUNT_ARN}:qualified:1`);
  t.match(v1.body.logStreamName, /^\d{4}\/\d{2}\/\d{2}\/\[1\][0-9a-f]{32}$/, 'the log stream names the version');

  const latest = await invoke(lambda, 'qualified', {}, { Qualifier: '$LATEST' });
  t.equal(latest.executedVersion, '$LATEST');
  t.equal(latest.body.invokedFunctionArn, `${ACCOUNT_ARN}:qualified:$LATEST`);

  const byArn = await invoke(lambda, `${ACCOUNT_ARN}:qualified:1`, {});
  t.equal(byArn.executedVersion, '1', 'a qualified ARN as FunctionName works too');
  t.equal(byArn.body.invokedFunctionArn, `${ACCOUNT_ARN}:qualified:1`);
});

t.test('ClientContext (base64 JSON) reaches context.clientContext', async (t) => {
  const { lambda } = await startTestServer(t);
  await deploy(lambda, 'mobile', { 'index.js': CONTEXT_HANDLER });
  const clientContext = {
    client: { installation_id: 'install-1', app_title: 'Demo', app_version_name: '1.0', app_version_code: '1', app_package_name: 'demo' },
    custom: { tenant: 'acme' },
    env: { platform: 'Android', locale: 'en_US' },
  };
  const res = await invoke(lambda, 'mobile', {}, {
    ClientContext: Buffer.from(JSON.stringify(clientContext)).toString('base64'),
  });
  t.equal(res.functionError, undefined);
  t.same(res.body.clientContext, clientContext);
});

t.test('ES modules: .mjs and .js under "type": "module"', async (t) => {
  const { lambda } = await startTestServer(t);
  await deploy(lambda, 'mjs', {
    'index.mjs': `export const handler = async (event, context) => ({ module: typeof require === 'undefined' ? 'esm' : 'cjs', event, fn: context.functionName });`,
  });
  await deploy(lambda, 'typemodule', {
    'package.json': JSON.stringify({ type: 'module' }),
    'index.js': `export async function handler(event) { return { module: typeof module === 'undefined' ? 'esm' : 'cjs', event }; }`,
  });

  const mjs = await invoke(lambda, 'mjs', { n: 1 });
  t.equal(mjs.status, 200);
  t.same(mjs.body, { module: 'esm', event: { n: 1 }, fn: 'mjs' });
  const typed = await invoke(lambda, 'typemodule', { n: 2 });
  t.same(typed.body, { module: 'esm', event: { n: 2 } });
});

t.test('callback handlers: callback(null, result) and callback(error)', async (t) => {
  const { lambda } = await startTestServer(t);
  await deploy(lambda, 'callback', {
    'index.js': `
exports.handler = (event, context, callback) => {
  setTimeout(() => callback(null, { doubled: event.n * 2, requestId: context.awsRequestId }), 10);
};
exports.fails = (event, context, callback) => callback(new RangeError('out of range'));
`,
  });
  const res = await invoke(lambda, 'callback', { n: 21 });
  t.equal(res.status, 200);
  t.equal(res.functionError, undefined);
  t.equal(res.body.doubled, 42);

  await deploy(lambda, 'callback-fails', { 'index.js': 'exports.handler = (e, c, cb) => cb(new RangeError("out of range"));' });
  const failed = await invoke(lambda, 'callback-fails', {});
  t.equal(failed.functionError, 'Unhandled');
  t.match(failed.body, { errorType: 'RangeError', errorMessage: 'out of range' });
});

t.test('a handler result of undefined comes back as null; a string as a JSON string', async (t) => {
  const { lambda } = await startTestServer(t);
  await deploy(lambda, 'shapes', { 'index.js': 'exports.handler = async (event) => event.give;' });
  t.equal((await invoke(lambda, 'shapes', {})).text, 'null');
  t.equal((await invoke(lambda, 'shapes', { give: 'text' })).text, '"text"');
  t.equal((await invoke(lambda, 'shapes', { give: [1, 2] })).text, '[1,2]');
});

t.test('a thrown error: FunctionError Unhandled, payload {errorType, errorMessage, trace}', async (t) => {
  const { lambda } = await startTestServer(t);
  await deploy(lambda, 'thrower', {
    'index.js': `
class ValidationError extends Error { constructor(m) { super(m); this.name = 'ValidationError'; } }
exports.handler = async (event) => { if (event.fail) throw new ValidationError('invalid input'); return 'fine'; };
`,
  });
  const res = await invoke(lambda, 'thrower', { fail: true });
  t.equal(res.status, 200, 'a function error is still a 200 to the caller');
  t.equal(res.functionError, 'Unhandled');
  t.equal(res.executedVersion, '$LATEST');
  t.match(res.body, { errorType: 'ValidationError', errorMessage: 'invalid input' });
  t.ok(Array.isArray(res.body.trace), 'trace is a list of stack lines');
  t.match(res.body.trace[0], /^ValidationError: invalid input/);
  t.ok(res.body.trace.some((l: string) => l.includes('index.js')), 'the trace points into the handler file');

  const after = await invoke(lambda, 'thrower', {});
  t.equal(after.functionError, undefined, 'the environment keeps working after a handled error');
  t.equal(after.body, 'fine');
});

t.test('a missing handler export: Runtime.HandlerNotFound; a missing module: Runtime.ImportModuleError', async (t) => {
  const { lambda } = await startTestServer(t);
  await deploy(lambda, 'no-export', { 'index.js': 'exports.other = async () => 1;' }, { Handler: 'index.handler' });
  await deploy(lambda, 'no-module', { 'index.js': 'exports.handler = async () => 1;' }, { Handler: 'missing.handler' });

  const noExport = await invoke(lambda, 'no-export', {});
  t.equal(noExport.status, 200);
  t.equal(noExport.functionError, 'Unhandled');
  t.match(noExport.body, { errorType: 'Runtime.HandlerNotFound', errorMessage: 'index.handler is undefined or not exported' });

  const noModule = await invoke(lambda, 'no-module', {});
  t.equal(noModule.functionError, 'Unhandled');
  t.match(noModule.body, { errorType: 'Runtime.ImportModuleError', errorMessage: /Cannot find module 'missing'/ });

  const again = await invoke(lambda, 'no-module', {});
  t.match(again.body, { errorType: 'Runtime.ImportModuleError' }, 'every invoke retries the init, and fails the same way');
});
