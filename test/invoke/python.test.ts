// A Python function (python3.12 runtime id) through the official SDK: its result, the context
// object AWS documents (https://docs.aws.amazon.com/lambda/latest/dg/python-context.html), and an
// error payload with `stackTrace`.
import { PublishVersionCommand } from '@aws-sdk/client-lambda';
import t from 'tap';
import { ACCOUNT_ARN, deploy, invoke } from '../helpers/invoke.js';
import { startTestServer } from '../helpers/server.js';

const APP = `
import json

invocations = 0


def handler(event, context):
    global invocations
    invocations += 1
    print("handling", json.dumps(event))
    cc = context.client_context
    return {
        "event": event,
        "invocations": invocations,
        "function_name": context.function_name,
        "function_version": context.function_version,
        "invoked_function_arn": context.invoked_function_arn,
        "memory_limit_in_mb": context.memory_limit_in_mb,
        "aws_request_id": context.aws_request_id,
        "log_group_name": context.log_group_name,
        "log_stream_name": context.log_stream_name,
        "remaining_ms": context.get_remaining_time_in_millis(),
        "custom": None if cc is None else cc.custom,
    }


def _check(value):
    raise ValueError("bad value: %s" % value)


def fails(event, context):
    _check(event.get("value"))
`;

t.test('a python3.12 handler returns its result with the context AWS documents', async (t) => {
  const { lambda } = await startTestServer(t);
  await deploy(lambda, 'py', { 'app.py': APP }, { Runtime: 'python3.12', Handler: 'app.handler', MemorySize: 192, Timeout: 5 });
  await lambda.send(new PublishVersionCommand({ FunctionName: 'py' }));

  const res = await invoke(lambda, 'py', { name: 'ada' }, {
    ClientContext: Buffer.from(JSON.stringify({ custom: { tenant: 'acme' } })).toString('base64'),
  });
  t.equal(res.status, 200);
  t.equal(res.functionError, undefined, `no function error (payload: ${res.text})`);
  t.equal(res.executedVersion, '$LATEST');
  const c = res.body;
  t.same(c.event, { name: 'ada' });
  t.equal(c.invocations, 1);
  t.equal(c.function_name, 'py');
  t.equal(c.function_version, '$LATEST');
  t.equal(c.invoked_function_arn, `${ACCOUNT_ARN}:py`);
  t.equal(c.memory_limit_in_mb, '192');
  t.match(c.aws_request_id, /^[0-9a-f-]{36}$/);
  t.equal(c.log_group_name, '/aws/lambda/py');
  t.match(c.log_stream_name, /^\d{4}\/\d{2}\/\d{2}\/\[\$LATEST\][0-9a-f]{32}$/);
  t.ok(c.remaining_ms > 0 && c.remaining_ms <= 5000, `get_remaining_time_in_millis() within the timeout (${c.remaining_ms})`);
  t.same(c.custom, { tenant: 'acme' }, 'ClientContext custom reaches context.client_context.custom');

  const warm = await invoke(lambda, 'py', {});
  t.equal(warm.body.invocations, 2, 'the module stays loaded between invokes');

  const v1 = await invoke(lambda, 'py', {}, { Qualifier: '1' });
  t.equal(v1.executedVersion, '1');
  t.equal(v1.body.function_version, '1');
  t.equal(v1.body.invoked_function_arn, `${ACCOUNT_ARN}:py:1`);
});

t.test('a raised exception: FunctionError Unhandled, payload with errorType, errorMessage and stackTrace', async (t) => {
  const { lambda } = await startTestServer(t);
  await deploy(lambda, 'py-fails', { 'app.py': APP }, { Runtime: 'python3.12', Handler: 'app.fails' });

  const res = await invoke(lambda, 'py-fails', { value: 42 }, { LogType: 'Tail' });
  t.equal(res.status, 200);
  t.equal(res.functionError, 'Unhandled');
  t.match(res.body, { errorType: 'ValueError', errorMessage: 'bad value: 42', requestId: /^[0-9a-f-]{36}$/ });
  t.ok(Array.isArray(res.body.stackTrace) && res.body.stackTrace.length === 2, 'two user frames: fails and _check');
  t.match(res.body.stackTrace[0], /File ".*app\.py", line \d+, in fails/);
  t.match(res.body.stackTrace[1], /in _check\n\s+raise ValueError/);
  t.notOk(res.body.stackTrace.join('').includes('bootstrap.py'), 'no runtime client frames in the trace');
  t.match(res.log, /\[ERROR\] ValueError: bad value: 42/, 'the failure is logged as on AWS');

  const missing = await deploy(lambda, 'py-missing', { 'app.py': APP }, { Runtime: 'python3.12', Handler: 'nomodule.handler' });
  t.equal(missing.Runtime, 'python3.12');
  const importError = await invoke(lambda, 'py-missing', {});
  t.equal(importError.functionError, 'Unhandled');
  t.match(importError.body, { errorType: 'Runtime.ImportModuleError', errorMessage: /^Unable to import module 'nomodule': No module named 'nomodule'/ });
});
