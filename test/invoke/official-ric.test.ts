// The official Node.js runtime interface client (aws-lambda-ric, the one AWS builds its Node.js
// base images on) as a provided.al2023 function's `bootstrap`, invoked through the official SDK:
// proof that our Runtime API works with a client we did not write.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import t from 'tap';
import { deploy, invoke } from '../helpers/invoke.js';
import { startTestServer } from '../helpers/server.js';

const RIC_ENTRY = fileURLToPath(new URL('../third-party/node_modules/aws-lambda-ric/bin/index.mjs', import.meta.url));
const RIC_ADDON = fileURLToPath(new URL('../third-party/node_modules/aws-lambda-ric/dist/rapid-client.node', import.meta.url));
const MISSING = `aws-lambda-ric is not installed (${RIC_ENTRY}): run \`npm run setup:third-party\``;

const HANDLER = `
import { randomUUID } from 'node:crypto';
const envId = randomUUID();
let count = 0;
export const handler = async (event, context) => {
  count += 1;
  console.log('ric handling', JSON.stringify(event));
  if (event.fail) throw new TypeError('failed on purpose');
  return {
    event, envId, count,
    functionName: context.functionName,
    requestId: context.awsRequestId,
    arn: context.invokedFunctionArn,
    remainingMs: context.getRemainingTimeInMillis(),
  };
};
`;

const installed = existsSync(RIC_ENTRY) && existsSync(RIC_ADDON);
if (!installed && process.env['CI']) {
  t.fail(MISSING);
} else if (!installed) {
  t.skip(MISSING);
} else {
  t.test('the official Node.js runtime interface client serves invokes through our Runtime API', async (t) => {
    const { lambda } = await startTestServer(t);
    const bootstrap = `#!/bin/sh\nexec ${process.execPath} ${RIC_ENTRY} index.handler\n`;
    await deploy(lambda, 'ric', { bootstrap: [bootstrap, 0o755], 'index.mjs': HANDLER }, {
      Runtime: 'provided.al2023', Handler: 'index.handler', Timeout: 10,
    });

    const first = await invoke(lambda, 'ric', { hello: 'ric' }, { LogType: 'Tail' });
    t.equal(first.status, 200);
    t.equal(first.functionError, undefined, `no function error (payload: ${first.text})`);
    t.equal(first.executedVersion, '$LATEST');
    t.match(first.body, {
      event: { hello: 'ric' },
      count: 1,
      functionName: 'ric',
      requestId: /^[0-9a-f-]{36}$/,
      arn: 'arn:aws:lambda:us-east-1:000000000000:function:ric',
    });
    t.ok(first.body.remainingMs > 0 && first.body.remainingMs <= 10_000, `getRemainingTimeInMillis() within the timeout (${first.body.remainingMs})`);
    t.match(first.log, /Executing 'index\.handler' in function directory '/, 'the client\'s own start-up line');
    t.match(first.log, new RegExp(`\\t${first.body.requestId}\\tINFO\\tric handling \\{"hello":"ric"\\}`), 'the handler\'s log line, in AWS\'s format');
    t.match(first.log, new RegExp(`END RequestId: ${first.body.requestId}\\nREPORT RequestId: ${first.body.requestId}\\t`));

    const failed = await invoke(lambda, 'ric', { fail: true });
    t.equal(failed.status, 200);
    t.equal(failed.functionError, 'Unhandled');
    t.match(failed.body, { errorType: 'TypeError', errorMessage: 'failed on purpose' });
    t.ok(Array.isArray(failed.body.trace) && failed.body.trace[0] === 'TypeError: failed on purpose', 'a trace, as the official client reports it');

    const warm = await invoke(lambda, 'ric', { n: 3 });
    t.equal(warm.functionError, undefined);
    t.equal(warm.body.envId, first.body.envId, 'the same environment, warm');
    t.equal(warm.body.count, 3, 'module state carried across invokes, the failed one included');
  });

  t.test('the official client reports a missing handler at init', async (t) => {
    const { lambda } = await startTestServer(t);
    const bootstrap = `#!/bin/sh\nexec ${process.execPath} ${RIC_ENTRY} index.nothere\n`;
    await deploy(lambda, 'ric-broken', { bootstrap: [bootstrap, 0o755], 'index.mjs': HANDLER }, {
      Runtime: 'provided.al2023', Handler: 'index.nothere',
    });
    const res = await invoke(lambda, 'ric-broken', {});
    t.equal(res.functionError, 'Unhandled');
    t.match(res.body, { errorType: 'Runtime.HandlerNotFound', errorMessage: 'index.nothere is undefined or not exported' });
  });
}
