// Our Node.js runtime client (dist/runtimes/node/client.js) end to end through the engine, when
// it has been built (function errors: the shared table, invoke-cases.ts).
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { PACKAGE_ROOT } from '../../src/runtimes/table.js';
import { engineFor, fixtureSpec, json, lines, request } from './helpers.js';

const client = join(PACKAGE_ROOT, 'dist', 'runtimes', 'node', 'client.js');
const skip = existsSync(client) ? false : `${client} is not built (npm run build)`;

const HANDLER = `
let invocations = 0;
export const handler = async (event, context) => {
  invocations += 1;
  console.log('handling', context.awsRequestId);
  return {
    event,
    invocations,
    requestId: context.awsRequestId,
    functionName: context.functionName,
    memoryLimitInMB: context.memoryLimitInMB,
    hasTimeLeft: context.getRemainingTimeInMillis() > 0,
    executionEnv: process.env.AWS_EXECUTION_ENV,
  };
};
`;

t.test('nodejs20.x: round trip and warm module state', { skip }, async (t) => {
  const { engine } = await engineFor(t);
  const codeDir = t.testdir({ 'index.mjs': HANDLER });
  const spec = fixtureSpec('node-echo', { runtime: 'nodejs20.x', handler: 'index.handler', codeDir });
  const req = request(spec, { hello: 'node' });
  const first = await engine.invoke(spec, req);
  t.equal(first.outcome, 'success', first.payload.toString());
  t.match(json(first.payload), {
    event: { hello: 'node' },
    invocations: 1,
    requestId: req.requestId,
    functionName: 'node-echo',
    memoryLimitInMB: '128',
    hasTimeLeft: true,
    executionEnv: 'AWS_Lambda_nodejs20.x',
  });
  t.ok(lines(first).some((l) => l.includes('handling') && l.includes(req.requestId)), 'console.log reaches the log lines');

  const second = await engine.invoke(spec, request(spec, { again: true }));
  t.match(json(second.payload), { invocations: 2 }, 'module state survives in a warm environment');
});
