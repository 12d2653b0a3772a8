// Resident memory from /proc: the server idle after start, one idle Node.js environment (the
// process tree of the runtime that answered, found by the pid its handler returns), and the server with all its environments once one function has 100
// warm environments (100 concurrent invokes). RSS sums count shared pages once per process;
// PSS splits them, so the PSS sum is what the tree really adds up to.
import { FUNCTIONS, startLambdalite } from '../lib/lambdalite.mjs';
import { memoryBytes, parentPid, processTree } from '../lib/proc.mjs';

const ENVIRONMENTS = 100;
const SETTLE_MS = 1000;

// The echo function, except that it answers with its process id.
const PID = {
  ...FUNCTIONS.node,
  files: { 'index.js': ['exports.handler = async (e) => (e.sleepMs ? new Promise((r) => setTimeout(r, e.sleepMs, e)) : { pid: process.pid });\n', 0o644] },
};

/** The runtime's process below the server: `pid` itself, or a wrapper it runs under. */
function environmentRoot(serverPid, pid) {
  let root = pid;
  for (let parent = parentPid(root); parent !== undefined && parent !== serverPid; parent = parentPid(root)) root = parent;
  return root;
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const mb = ({ rss, pss }) => `RSS ${(rss / 2 ** 20).toFixed(1)} MB, PSS ${(pss / 2 ** 20).toFixed(1)} MB`;

export async function memory({ report, progress }) {
  const server = await startLambdalite();
  const lines = [`${server.command}; VmRSS from /proc/<pid>/status and Pss from /proc/<pid>/smaps_rollup, summed over:`];
  const source = report.source(lines); // the lines are filled in as the rows are measured
  const add = (row, step) => {
    report.add({ ...row, source });
    lines.push(step);
  };
  try {
    progress('memory: idle server');
    await sleep(SETTLE_MS);
    const idle = processTree(server.pid);
    add(
      {
        case: 'memory: server, idle after start',
        other: `${mb(memoryBytes([server.pid]))}; with the ${idle.length - 1} process(es) below it (pre-started runtimes) ${mb(memoryBytes(idle))}`,
      },
      `idle server: the server process, ${SETTLE_MS} ms after it first answered`,
    );

    progress('memory: one idle Node.js environment');
    await server.createFunction('mem', PID);
    const { pid } = (await server.invoke('mem', { hello: 'world' })).json();
    await sleep(SETTLE_MS);
    const environment = processTree(environmentRoot(server.pid, pid));
    add(
      { case: 'memory: one idle nodejs20.x environment', other: mb(memoryBytes(environment)) },
      `one environment: the runtime process whose pid the handler returned, and those below it (${environment.length} in all), ${SETTLE_MS} ms after one invoke`,
    );

    progress(`memory: ${ENVIRONMENTS} warm Node.js environments`);
    await server.warm('mem', ENVIRONMENTS);
    await sleep(SETTLE_MS);
    const tree = processTree(server.pid);
    add(
      {
        case: `memory: server + ${ENVIRONMENTS} warm nodejs20.x environments`,
        c: ENVIRONMENTS,
        other: `${mb(memoryBytes(tree))}; server alone ${mb(memoryBytes([server.pid]))}`,
      },
      `${ENVIRONMENTS} environments: the server and every process below it (${tree.length}), ${SETTLE_MS} ms after ${ENVIRONMENTS} concurrent invokes {"sleepMs":300} of that function`,
    );
  } finally {
    await server.stop();
  }
}
