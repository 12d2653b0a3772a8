// The Python runtime client run as a real child process against a fake Runtime API. Expected
// shapes are those of AWS's Python runtime interface client (awslambdaric).
import t, { type Test } from 'tap';
import { fileURLToPath } from 'node:url';
import { FakeRuntimeApi, python, startRuntime, type RuntimeProcess } from './fake-runtime-api.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const bootstrap = `${root}src/runtimes/python/bootstrap.py`;
const fixture = (name: string) => `${root}test/fixtures/functions/${name}`;
// Another interpreter (e.g. LAMBDALITE_TEST_PYTHON=python3.9) to check the supported range.
const interpreter = process.env.LAMBDALITE_TEST_PYTHON ?? python;
const ISO = '\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z';

async function start(tt: Test, name: string, handler: string, env: Record<string, string> = {})
  : Promise<{ api: FakeRuntimeApi; rt: RuntimeProcess }> {
  const api = await FakeRuntimeApi.start();
  tt.teardown(() => api.close());
  const rt = startRuntime((fn) => tt.teardown(fn), interpreter, [bootstrap], api, fixture(name), handler, env);
  return { api, rt };
}

t.test('handler result, context, warm state and log records', async (t) => {
  const { api, rt } = await start(t, 'python-basic', 'app.handler');
  const first = await api.invoke({ name: 'ada' }, {
    requestId: 'req-1', deadlineMs: Date.now() + 10_000, traceId: 'Root=1-abc;Parent=def;Sampled=1',
    functionArn: 'arn:aws:lambda:us-east-1:000000000000:function:fn:live',
    clientContext: JSON.stringify({ custom: { tenant: 't1' }, env: { platform: 'test' }, client: { app_title: 'app' } }),
    cognitoIdentity: JSON.stringify({ cognitoIdentityId: 'id-1', cognitoIdentityPoolId: 'pool-1' }),
  });
  t.equal(first.kind, 'response');
  t.equal(first.requestId, 'req-1');
  t.equal(first.headers['content-type'], 'application/json');
  const body = first.json;
  t.match(body, {
    event: { name: 'ada' }, invocations: 1,
    function_name: 'fn', function_version: '$LATEST', memory_limit_in_mb: '256',
    invoked_function_arn: 'arn:aws:lambda:us-east-1:000000000000:function:fn:live',
    aws_request_id: 'req-1', log_group_name: '/aws/lambda/fn', log_stream_name: '2024/01/01/[$LATEST]0123456789abcdef',
    client_context: { custom: { tenant: 't1' }, env: { platform: 'test' }, client: { app_title: 'app', installation_id: null } },
    identity: { id: 'id-1', pool: 'pool-1' },
    trace_id: 'Root=1-abc;Parent=def;Sampled=1',
    cwd: fixture('python-basic'),
  });
  t.ok(body.remaining_ms <= 10_000 && body.remaining_ms > 8_000, `remaining ${body.remaining_ms} ≈ deadline − now`);

  const second = await api.invoke({ name: 'bob' }, { requestId: 'req-2' });
  t.equal(second.json.invocations, 2, 'module state survives between invokes in one process');
  t.equal(second.json.client_context, null);
  t.same(second.json.identity, { id: null, pool: null }, 'identity is an object with empty fields');
  t.equal(second.json.trace_id, null, '_X_AMZN_TRACE_ID is cleared when the invoke has no trace id');

  const out = await rt.stdoutMatching(/req-2\tinfo record for bob/);
  t.match(out, /^cold start of app\n/, 'print goes to stdout as is');
  t.match(out, /\nhandling ada\n/);
  t.match(out, new RegExp(`\\n\\[INFO\\]\\t${ISO}\\treq-1\\tinfo record for ada\\n`), 'logging record carries the request id');
  t.match(out, new RegExp(`\\n\\[INFO\\]\\t${ISO}\\treq-2\\tinfo record for bob\\n`));
});

t.test('getRemainingTimeInMillis decreases with time', async (t) => {
  const { api } = await start(t, 'python-basic', 'app.remaining');
  const { json } = await api.invoke({ sleep_ms: 120 }, { deadlineMs: Date.now() + 5_000 });
  t.ok(json.first > 4_000 && json.first <= 5_000, `first ${json.first}`);
  t.ok(json.first - json.second >= 100, `dropped by the sleep (${json.first} → ${json.second})`);
});

t.test('results: None is null, Decimal is a number, nested handler paths', async (t) => {
  const none = await start(t, 'python-basic', 'app.returns_none');
  t.equal((await none.api.invoke({})).body, 'null');
  const dec = await start(t, 'python-basic', 'app.returns_decimal');
  t.same((await dec.api.invoke({})).json, { int: 3, float: 1.5 });
  for (const handler of ['pkg/sub/mod.handler', 'pkg.sub.mod.handler']) {
    const nested = await start(t, 'python-basic', handler);
    t.same((await nested.api.invoke({})).json, { module: 'pkg.sub.mod' }, handler);
  }
});

t.test('handler errors', async (t) => {
  const { api, rt } = await start(t, 'python-errors', 'errors.raises_value_error');
  const raised = await api.invoke({ value: 7 }, { requestId: 'err-1' });
  t.equal(raised.kind, 'error');
  t.equal(raised.headers['lambda-runtime-function-error-type'], 'ValueError');
  t.match(raised.json, { errorType: 'ValueError', errorMessage: 'bad value: 7', requestId: 'err-1' });
  const stack: string[] = raised.json.stackTrace;
  t.equal(stack.length, 2, 'one entry per user frame; the bootstrap frames are dropped');
  // traceback.format_list lines; 3.13 adds a caret line under the failing expression.
  t.match(stack[0], /^ {2}File ".*\/errors\.py", line \d+, in raises_value_error\n {4}_check\(event\.get\("value"\)\)\n( +[~^]+\n)?$/);
  t.match(stack[1], /in _check\n/);
  t.match(await rt.stdoutMatching(/\[ERROR\] ValueError/), /\[ERROR\] ValueError: bad value: 7\rTraceback \(most recent call last\):\r\u00a0\u00a0File /,
    'one [ERROR] record, lines joined by \\r');
  t.equal((await api.invoke({ value: 8 })).kind, 'error', 'the process keeps serving after a handler error');

  const custom = await start(t, 'python-errors', 'errors.raises_custom');
  const customError = await custom.api.invoke({});
  t.equal(customError.headers['lambda-runtime-function-error-type'], 'ValidationError');
  t.match(customError.json, { errorType: 'ValidationError', errorMessage: 'invalid input' });

  const marshal = await start(t, 'python-errors', 'errors.unserialisable');
  const marshalError = await marshal.api.invoke({}, { requestId: 'm-1' });
  t.same(marshalError.json, {
    errorMessage: 'Unable to marshal response: Object of type set is not JSON serializable',
    errorType: 'Runtime.MarshalError', requestId: 'm-1', stackTrace: [],
  });
});

t.test('init failures go to /init/error and the process exits 1', async (t) => {
  const cases: Array<[string, string, string, string | RegExp]> = [
    ['python-basic', 'nope.handler', 'Runtime.ImportModuleError', "Unable to import module 'nope': No module named 'nope'"],
    ['python-errors', 'broken_import.handler', 'Runtime.ImportModuleError',
      "Unable to import module 'broken_import': No module named 'does_not_exist_anywhere'"],
    ['python-basic', 'app.nope', 'Runtime.HandlerNotFound', "Handler 'nope' missing on module 'app'"],
    ['python-basic', 'app', 'Runtime.MalformedHandlerName', /^Bad handler 'app': not enough values to unpack/],
    ['python-errors', 'syntax_bad.handler', 'Runtime.UserCodeSyntaxError', /^Syntax error in module 'syntax_bad': /],
    ['python-errors', 'raises_at_import.handler', 'RuntimeError', 'failed during init'],
  ];
  for (const [name, handler, errorType, message] of cases) {
    const { api, rt } = await start(t, name, handler);
    const posted = await api.initError();
    t.equal(posted.headers['lambda-runtime-function-error-type'], errorType, `${handler}: header`);
    t.equal(posted.json.errorType, errorType, `${handler}: errorType`);
    t.match(posted.json.errorMessage, message, `${handler}: errorMessage`);
    t.equal(posted.json.requestId, '', `${handler}: no request id at init`);
    t.type(posted.json.stackTrace, Array, `${handler}: stackTrace`);
    t.equal(await rt.exited, 1, `${handler}: exit code`);
    t.match(await rt.stdoutMatching(/\[ERROR\]/), `[ERROR] ${errorType}: `, `${handler}: logged`);
  }
});
