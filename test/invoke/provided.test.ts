// A provided.al2023 function whose `bootstrap` is a shell script polling the Runtime API with curl,
// as in AWS's custom runtime tutorial (https://docs.aws.amazon.com/lambda/latest/dg/runtimes-walkthrough.html),
// deployed and invoked through the official SDK.
import t from 'tap';
import { deploy, invoke } from '../helpers/invoke.js';
import { startTestServer } from '../helpers/server.js';

// Answers {"handler":…,"function":…,"request":…,"event":<event>}; an event {"fail":true} is
// reported to /error with an error body, as a custom runtime does.
const BOOTSTRAP = `#!/bin/sh
set -eu
API="http://\${AWS_LAMBDA_RUNTIME_API}/2018-06-01/runtime"
echo "custom runtime up, handler $_HANDLER"
while true; do
  HEADERS="$(mktemp)"
  EVENT="$(curl -sS -D "$HEADERS" "$API/invocation/next")"
  REQUEST_ID=$(grep -i '^lambda-runtime-aws-request-id:' "$HEADERS" | cut -d: -f2 | tr -d ' \\r')
  ARN=$(grep -i '^lambda-runtime-invoked-function-arn:' "$HEADERS" | cut -d' ' -f2 | tr -d '\\r')
  echo "got $REQUEST_ID"
  case "$EVENT" in
    *'"fail":true'*)
      curl -sS -o /dev/null -X POST -H 'Lambda-Runtime-Function-Error-Type: Custom.Failure' \\
        -d '{"errorType":"Custom.Failure","errorMessage":"asked to fail"}' "$API/invocation/$REQUEST_ID/error" ;;
    *)
      RESPONSE="{\\"handler\\":\\"$_HANDLER\\",\\"function\\":\\"$AWS_LAMBDA_FUNCTION_NAME\\",\\"arn\\":\\"$ARN\\",\\"request\\":\\"$REQUEST_ID\\",\\"event\\":$EVENT}"
      curl -sS -o /dev/null -X POST -d "$RESPONSE" "$API/invocation/$REQUEST_ID/response" ;;
  esac
  rm -f "$HEADERS"
done
`;

t.test('a provided.al2023 shell bootstrap answers through the Runtime API', async (t) => {
  const { lambda } = await startTestServer(t);
  const created = await deploy(lambda, 'shell', { bootstrap: [BOOTSTRAP, 0o755] }, {
    Runtime: 'provided.al2023', Handler: 'function.handler',
  });
  t.equal(created.Runtime, 'provided.al2023');

  const res = await invoke(lambda, 'shell', { greeting: 'hi', list: [1, 2] }, { LogType: 'Tail' });
  t.equal(res.status, 200);
  t.equal(res.functionError, undefined, `no function error (payload: ${res.text})`);
  t.equal(res.executedVersion, '$LATEST');
  t.match(res.body, {
    handler: 'function.handler',
    function: 'shell',
    arn: 'arn:aws:lambda:us-east-1:000000000000:function:shell',
    event: { greeting: 'hi', list: [1, 2] },
  });
  t.match(res.log, /custom runtime up, handler function\.handler/, 'init output is in the cold start log');
  t.match(res.log, new RegExp(`got ${res.body.request}\\n`), 'the invocation\'s output is in its log');

  const second = await invoke(lambda, 'shell', { n: 2 });
  t.same(second.body.event, { n: 2 }, 'the same loop serves the next invoke');
  t.not(second.body.request, res.body.request);

  const failed = await invoke(lambda, 'shell', { fail: true });
  t.equal(failed.functionError, 'Unhandled');
  t.same(failed.body, { errorType: 'Custom.Failure', errorMessage: 'asked to fail' }, 'the /error body goes to the caller as posted');
  const after = await invoke(lambda, 'shell', { n: 3 });
  t.same(after.body.event, { n: 3 }, 'still serving after a reported error');
});

t.test('a bootstrap that is missing or not executable fails the invoke with Runtime.InvalidEntrypoint', async (t) => {
  const { lambda } = await startTestServer(t);
  await deploy(lambda, 'no-bootstrap', { 'handler.sh': 'echo hi' }, { Runtime: 'provided.al2023', Handler: 'x' });
  await deploy(lambda, 'not-executable', { bootstrap: [BOOTSTRAP, 0o644] }, { Runtime: 'provided.al2023', Handler: 'x' });

  const missing = await invoke(lambda, 'no-bootstrap', {});
  t.equal(missing.functionError, 'Unhandled');
  t.match(missing.body, { errorType: 'Runtime.InvalidEntrypoint', errorMessage: /Couldn't find valid bootstrap/ });
  const denied = await invoke(lambda, 'not-executable', {});
  t.equal(denied.functionError, 'Unhandled');
  t.match(denied.body, { errorType: 'Runtime.InvalidEntrypoint', errorMessage: /permission denied/ });
});
