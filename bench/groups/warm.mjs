// Warm synchronous invokes at concurrency 1, 10 and 50, measured by wrk: the three-hop floor,
// then lambdalite with a trivial Node.js, Python or provided.al2023 function, as a ratio of it.
import { startFloor } from '../lib/floor.mjs';
import { FUNCTIONS, invokePath, startLambdalite } from '../lib/lambdalite.mjs';
import { wrk } from '../lib/wrk.mjs';

const CONCURRENCY = [1, 10, 50];

const failures = (r) => (r.errors ? `${r.errors} failed` : '');

export async function floor({ report, seconds, floors, progress }) {
  for (const c of CONCURRENCY) {
    progress(`floor c=${c}`);
    const server = await startFloor(c);
    try {
      const r = await wrk({ url: server.url, connections: c, seconds, cpuPid: server.pid });
      floors.set(c, r);
      const source = report.source([`${server.command}`, `\`${r.command}\``, `wrk: ${r.summary}`]);
      report.add({ case: 'floor: three-hop echo', c, ...r, other: failures(r), source });
    } finally {
      await server.stop();
    }
  }
}

/**
 * The row group of one runtime: `kind` is a key of FUNCTIONS (node, python, provided); `executor`
 * another executor than the default process one, named in the rows.
 */
export const lambdaliteWarm = (kind, executor = undefined, concurrencies = CONCURRENCY) =>
  async function ({ report, seconds, floors, progress }) {
    const spec = FUNCTIONS[kind];
    const server = await startLambdalite(executor ? ['--executor', executor] : []);
    const name = `warm-${kind}`;
    try {
      await server.createFunction(name, spec);
      for (const c of concurrencies) {
        progress(`${kind} c=${c}: warming ${c} environments`);
        await server.warm(name, c);
        progress(`${kind} c=${c}: wrk`);
        const r = await wrk({ url: server.url + invokePath(name), connections: c, seconds, cpuPid: server.pid });
        const floor = floors.get(c);
        const source = report.source([
          `${server.command}; ${spec.Runtime} echo handler, ${c} warm environments`,
          `\`${r.command}\``,
          `wrk: ${r.summary}`,
        ]);
        report.add({
          case: `${spec.Runtime} warm invoke${executor ? ` (${executor} executor)` : ''}`,
          c,
          ...r,
          floorRate: floor && r.perSecond / floor.perSecond,
          floorP50: floor && r.p50Ms / floor.p50Ms,
          other: failures(r),
          source,
        });
      }
    } finally {
      await server.stop();
    }
  };
