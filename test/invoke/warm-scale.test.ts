// Warm reuse and scale-out through the official SDK, as AWS describes execution environments
// (https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtime-environment.html): module state and
// /tmp survive between invocations of one environment; concurrent invocations get their own.
import { UpdateFunctionCodeCommand } from '@aws-sdk/client-lambda';
import t from 'tap';
import { deploy, invoke, processExists, sleep } from '../helpers/invoke.js';
import { startTestServer, zip } from '../helpers/server.js';

// Each environment draws a random id at module load; a counter and a file in /tmp (TMPDIR) carry
// state from one invocation to the next.
const STATEFUL = `
const { randomUUID } = require('node:crypto');
const { existsSync, readFileSync, writeFileSync } = require('node:fs');
const { join } = require('node:path');
const envId = randomUUID();
let count = 0;
exports.handler = async (event) => {
  count += 1;
  const file = join(process.env.TMPDIR, 'state.txt');
  const previous = existsSync(file) ? readFileSync(file, 'utf8') : null;
  writeFileSync(file, 'written by invocation ' + count);
  if (event.sleepMs) await new Promise((resolve) => setTimeout(resolve, event.sleepMs));
  return { envId, count, previous, tmpdir: process.env.TMPDIR, pid: process.pid };
};
`;

t.test('warm reuse: module state and /tmp survive to the next invoke', async (t) => {
  const { lambda, server } = await startTestServer(t);
  await deploy(lambda, 'warm', { 'index.js': STATEFUL });

  const first = await invoke(lambda, 'warm', {});
  t.equal(first.functionError, undefined, `no function error (payload: ${first.text})`);
  t.match(first.body, { count: 1, previous: null });
  t.ok(first.body.tmpdir, 'TMPDIR is set for the function');

  const second = await invoke(lambda, 'warm', {});
  t.equal(second.body.envId, first.body.envId, 'the same environment served the second invoke');
  t.equal(second.body.pid, first.body.pid, 'and the same runtime process');
  t.equal(second.body.count, 2, 'the module-level counter went on');
  t.equal(second.body.previous, 'written by invocation 1', 'the file written to /tmp is still there');

  const third = await invoke(lambda, 'warm', {});
  t.match(third.body, { envId: first.body.envId, count: 3, previous: 'written by invocation 2' });
  t.match(server.engine.stats(), { 'warm:$LATEST': { environments: 1, idle: 1, busy: 0 } }, 'one warm environment');
});

t.test('scale-out: 5 concurrent slow invokes run in 5 environments, each with its own /tmp', async (t) => {
  const { lambda, server } = await startTestServer(t);
  await deploy(lambda, 'wide', { 'index.js': STATEFUL }, { Timeout: 10 });

  const results = await Promise.all([0, 1, 2, 3, 4].map(() => invoke(lambda, 'wide', { sleepMs: 500 })));
  t.same(results.map((r) => r.status), [200, 200, 200, 200, 200]);
  t.same(results.map((r) => r.functionError), [undefined, undefined, undefined, undefined, undefined]);
  t.equal(new Set(results.map((r) => r.body.envId)).size, 5, 'five distinct environments');
  t.equal(new Set(results.map((r) => r.body.pid)).size, 5, 'five runtime processes');
  t.equal(new Set(results.map((r) => r.body.tmpdir)).size, 5, 'five private temp folders');
  t.ok(results.every((r) => r.body.count === 1 && r.body.previous === null), 'each one a cold start with an empty /tmp');
  t.match(server.engine.stats(), { 'wide:$LATEST': { environments: 5, idle: 5, busy: 0 } });

  // Sequential invokes afterwards reuse the warm environments rather than starting new ones.
  const envIds = new Set(results.map((r) => r.body.envId));
  for (let i = 0; i < 3; i++) {
    const warm = await invoke(lambda, 'wide', {});
    t.ok(envIds.has(warm.body.envId), 'a warm environment served it');
    t.equal(warm.body.count, 2 + i, 'the most recently used environment is reused first');
  }
  t.match(server.engine.stats(), { 'wide:$LATEST': { environments: 5 } }, 'no sixth environment');
});

t.test('updating $LATEST code replaces its warm environments, and stops the old ones', async (t) => {
  const { lambda, server } = await startTestServer(t);
  await deploy(lambda, 'changing', { 'index.js': STATEFUL });
  const before = await Promise.all([0, 1].map(() => invoke(lambda, 'changing', { sleepMs: 300 })));
  const oldPids = before.map((r) => r.body.pid as number);
  t.equal(new Set(oldPids).size, 2, 'two warm environments');

  await lambda.send(new UpdateFunctionCodeCommand({
    FunctionName: 'changing', ZipFile: await zip({ 'index.js': 'exports.handler = async () => ({ updated: true, pid: process.pid });' }),
  }));
  const after = await invoke(lambda, 'changing', {});
  t.same(after.body, { updated: true, pid: after.body.pid }, 'the new code runs');
  t.notOk(oldPids.includes(after.body.pid), 'in a new environment');
  for (let i = 0; i < 150 && oldPids.some(processExists); i++) await sleep(20);
  t.notOk(oldPids.some(processExists), 'both old environments were stopped');
  t.match(server.engine.stats(), { 'changing:$LATEST': { environments: 1 } });
});
