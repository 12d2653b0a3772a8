// Warm synchronous invokes at concurrency 1, 10 and 50, measured by wrk: the three-hop floor,
// then lambdalite with a trivial Node.js, Python or provided.al2023 function, as a ratio of it.
// These machines change speed from one minute to the next (shared hosts), so each lambdalite row
// is compared with a floor run measured right before it, not with the floor rows at the top.
import { startFloor } from '../lib/floor.mjs';
import { FUNCTIONS, invokePath, startLambdalite } from '../lib/lambdalite.mjs';
import { wrk } from '../lib/wrk.mjs';

const CONCURRENCY = [1, 10, 50];

const failures = (r) => (r.errors ? `${r.errors} failed` : '');

/** One wrk run of the floor at concurrency `c`: wrk's figures, with the floor's command. */
async function measureFloor(c, seconds) {
  const server = await startFloor(c);
  try {
    return { ...(await wrk({ url: server.url, connections: c, seconds, cpuPid: server.pid })), floorCommand: server.command };
  } finally {
    await server.stop();
  }
}

export async function floor({ report, seconds, progress }) {
  for (const c of CONCURRENCY) {
    progress(`floor c=${c}`);
    const r = await measureFloor(c, seconds);
    const source = report.source([`${r.floorCommand}`, `\`${r.command}\``, `wrk: ${r.summary}`]);
    report.add({ case: 'floor: three-hop echo', c, ...r, other: failures(r), source });
  }
}

/**
 * The row group of one runtime: `kind` is a key of FUNCTIONS (node, python, provided); `executor`
 * another executor than the default process one, named in the rows.
 */
export const lambdaliteWarm = (kind, executor = undefined, concurrencies = CONCURRENCY) =>
  async function ({ report, seconds, progress }) {
    const spec = FUNCTIONS[kind];
    const server = await startLambdalite(executor ? ['--executor', executor] : []);
    const name = `warm-${kind}`;
    try {
      await server.createFunction(name, spec);
      for (const c of concurrencies) {
        progress(`${kind} c=${c}: warming ${c} environments`);
        await server.warm(name, c);
        progress(`${kind} c=${c}: the floor beside it`);
        const floor = await measureFloor(c, seconds);
        progress(`${kind} c=${c}: wrk`);
        const r = await wrk({ url: server.url + invokePath(name), connections: c, seconds, cpuPid: server.pid });
        const source = report.source([
          `${server.command}; ${spec.Runtime} echo handler, ${c} warm environments`,
          `\`${r.command}\``,
          `wrk: ${r.summary}`,
          `the floor just before, for the ÷ floor columns (${floor.floorCommand}): ${Math.round(floor.perSecond)}/s, ` +
            `p50 ${floor.p50Ms.toFixed(3)} ms, p99 ${floor.p99Ms.toFixed(3)} ms`,
        ]);
        report.add({
          case: `${spec.Runtime} warm invoke${executor ? ` (${executor} executor)` : ''}`,
          c,
          ...r,
          floorRate: r.perSecond / floor.perSecond,
          floorP50: r.p50Ms / floor.p50Ms,
          other: failures(r),
          source,
        });
      }
    } finally {
      await server.stop();
    }
  };
