// Cold starts, timed from the client, median of several repetitions, for Node.js and Python:
// create-to-first-response (CreateFunction, then the first invoke), and a scale-out start (the
// function is warm but its one environment is busy, so the invoke needs a new environment).
import { FUNCTIONS, startLambdalite } from '../lib/lambdalite.mjs';
import { treeCpuSeconds } from '../lib/proc.mjs';

const REPETITIONS = 7;
const BUSY_MS = 2000;

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const spread = (xs) => `min ${Math.min(...xs).toFixed(1)}, max ${Math.max(...xs).toFixed(1)} ms`;

async function createToFirstResponse(server, kind, i) {
  const name = `cold-${kind}-${i}`;
  const t0 = performance.now();
  await server.createFunction(name, FUNCTIONS[kind]);
  const t1 = performance.now();
  await server.invoke(name, { hello: 'world' });
  return { createMs: t1 - t0, totalMs: performance.now() - t0 };
}

async function scaleOut(server, kind, i) {
  const name = `scale-${kind}-${i}`;
  await server.createFunction(name, FUNCTIONS[kind]);
  await server.invoke(name, { hello: 'world' });
  const busy = server.invoke(name, { sleepMs: BUSY_MS });
  await sleep(200); // the busy invoke has its (warm) environment well before this
  const t0 = performance.now();
  await server.invoke(name, { hello: 'world' });
  const ms = performance.now() - t0;
  await busy;
  return ms;
}

/** Cold starts on the default process executor, or on `executor` (named in the rows). */
export const coldStart = (executor = undefined) => async function ({ report, progress }) {
  const server = await startLambdalite(executor ? ['--executor', executor] : []);
  const on = executor ? ` (${executor} executor)` : '';
  try {
    for (const kind of ['node', 'python']) {
      const runtime = FUNCTIONS[kind].Runtime;
      progress(`cold ${kind}: ${REPETITIONS} × create-to-first-response`);
      const cold = [];
      for (let i = 0; i < REPETITIONS; i++) cold.push(await createToFirstResponse(server, kind, i));
      const totals = cold.map((r) => r.totalMs);
      report.add({
        case: `${runtime} cold: create → first response${on}`,
        p50Ms: median(totals),
        other: `median of ${REPETITIONS}; ${spread(totals)}; of which CreateFunction median ${median(cold.map((r) => r.createMs)).toFixed(1)} ms`,
        source: report.source([
          `${server.command}; per repetition a new function cold-${kind}-<i>, sequential:`,
          `t0; POST /2015-03-31/functions (echo handler, 1-file zip); POST /2015-03-31/functions/cold-${kind}-<i>/invocations; t1 (client clock, fetch)`,
          `create → first response, ms: ${totals.map((ms) => ms.toFixed(1)).join(', ')}`,
        ]),
      });
      progress(`cold ${kind}: ${REPETITIONS} × scale-out`);
      const cpu0 = treeCpuSeconds(server.pid);
      const scale = [];
      for (let i = 0; i < REPETITIONS; i++) scale.push(await scaleOut(server, kind, i));
      report.add({
        case: `${runtime} cold: scale-out start${on}`,
        p50Ms: median(scale),
        other: `median of ${REPETITIONS}; ${spread(scale)}`,
        source: report.source([
          `${server.command}; per repetition a new function scale-${kind}-<i>, invoked once (one warm environment), then`,
          `an invoke {"sleepMs":${BUSY_MS}} holds it; 200 ms later, timed: an invoke that needs a second environment`,
          `scale-out invoke, ms: ${scale.map((ms) => ms.toFixed(1)).join(', ')} (server tree CPU for all ${REPETITIONS} repetitions ${(treeCpuSeconds(server.pid) - cpu0).toFixed(2)} s)`,
        ]),
      });
    }
  } finally {
    await server.stop();
  }
};
