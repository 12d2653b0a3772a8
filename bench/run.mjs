// `npm run bench`: one table of lambdalite's speed next to the three-hop floor (issue 6).
//   npm run bench                                  every row group, 5 s per wrk run
//   BENCH_SECONDS=10 npm run bench                 longer wrk runs
//   BENCH_ONLY=floor,node npm run bench            a subset (groups: see GROUPS below)
// The report (markdown) goes to stdout; progress and server logs go to stderr.
import { asyncEvents } from './groups/async.mjs';
import { coldStart } from './groups/cold.mjs';
import { docker } from './groups/docker.mjs';
import { controlPlane } from './groups/control.mjs';
import { memory } from './groups/memory.mjs';
import { floor, lambdaliteWarm } from './groups/warm.mjs';
import { load, machineFacts, Report } from './lib/report.mjs';
import { requireWrk, WARMUP_SECONDS } from './lib/wrk.mjs';

const GROUPS = {
  floor,
  node: lambdaliteWarm('node'),
  python: lambdaliteWarm('python'),
  provided: lambdaliteWarm('provided'),
  cold: coldStart(),
  docker,
  async: asyncEvents,
  control: controlPlane,
  memory,
};

const seconds = Number(process.env.BENCH_SECONDS ?? 5);
const only = process.env.BENCH_ONLY ? process.env.BENCH_ONLY.split(',').map((s) => s.trim()) : Object.keys(GROUPS);
const unknown = only.filter((name) => !GROUPS[name]);
if (unknown.length || !(seconds >= 1)) {
  console.error(`bench: BENCH_ONLY takes a comma list of ${Object.keys(GROUPS).join(', ')}; BENCH_SECONDS a whole number ≥ 1`);
  process.exit(2);
}
requireWrk();

const report = new Report();
const context = {
  report,
  seconds: Math.round(seconds),
  progress: (text) => console.error(`bench: ${text}`),
};
const loadStart = load();
const started = Date.now();
for (const name of only) {
  context.progress(`-- ${name}`);
  await GROUPS[name](context);
}
const facts = machineFacts();

console.log(`## lambdalite bench (${new Date().toISOString()}, ${((Date.now() - started) / 1000).toFixed(0)} s)

Machine: ${facts.cpus}; load average (1/5/15 min) ${loadStart} at start, ${load()} at end.
Node.js ${facts.node}, ${facts.wrk}, commit ${facts.commit}. Groups: ${only.join(', ')}; wrk runs of ${context.seconds} s on one thread,
each after an unmeasured ${WARMUP_SECONDS} s run of the same command.
CPU s/1k: user+system seconds of the measured server and all its descendants (runtimes, floor workers) per 1,000
requests, from /proc/<pid>/stat before and after the run; the load generator is not counted.
÷ floor: lambdalite's figure over the floor's at the same concurrency, from a floor run measured just before that row
(its figures are in the row's source).

${report.markdown()}

Sources:
${report.sourcesMarkdown()}`);
