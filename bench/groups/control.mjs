// The control plane with 1,000 functions: CreateFunction (one client, one after another),
// GetFunction (wrk, cycling over all of them) and ListFunctions (one client paging through the
// full list with Marker, again and again for the wrk duration).
import { FUNCTIONS, startLambdalite } from '../lib/lambdalite.mjs';
import { treeCpuSeconds } from '../lib/proc.mjs';
import { wrk } from '../lib/wrk.mjs';

const COUNT = 1000;
const GET_CONNECTIONS = 10;

/** Every function name, page by page; returns the count and the pages it took. */
async function listAll(server) {
  let functions = 0;
  let pages = 0;
  let marker;
  do {
    const page = (await server.api('GET', `/2015-03-31/functions/${marker ? `?Marker=${encodeURIComponent(marker)}` : ''}`)).json();
    functions += page.Functions.length;
    pages += 1;
    marker = page.NextMarker;
  } while (marker);
  return { functions, pages };
}

export async function controlPlane({ report, seconds, progress }) {
  const server = await startLambdalite();
  try {
    progress(`control: CreateFunction × ${COUNT}`);
    let cpu0 = treeCpuSeconds(server.pid);
    let t0 = performance.now();
    for (let i = 0; i < COUNT; i++) await server.createFunction(`cp-${i}`, FUNCTIONS.node);
    let ms = performance.now() - t0;
    let cpu = treeCpuSeconds(server.pid) - cpu0;
    report.add({
      case: `CreateFunction (${COUNT} functions)`,
      c: 1,
      perSecond: COUNT / (ms / 1000),
      cpuPer1k: cpu / (COUNT / 1000),
      other: 'creates/s',
      source: report.source([
        `${server.command}; one fetch client, sequential POST /2015-03-31/functions cp-0 … cp-${COUNT - 1} (Node.js echo, 1-file zip)`,
        `${COUNT} creates in ${ms.toFixed(0)} ms; server tree CPU ${cpu.toFixed(2)} s`,
      ]),
    });

    progress(`control: GetFunction (wrk c=${GET_CONNECTIONS})`);
    const env = { GET_PREFIX: 'cp-', GET_COUNT: String(COUNT) };
    const r = await wrk({ url: `${server.url}/2015-03-31/functions/`, connections: GET_CONNECTIONS, seconds, cpuPid: server.pid, env });
    report.add({
      case: `GetFunction (${COUNT} functions)`,
      c: GET_CONNECTIONS,
      ...r,
      other: `gets/s${r.errors ? `; ${r.errors} failed` : ''}`,
      source: report.source([
        `${server.command}; GET /2015-03-31/functions/cp-<i>, i cycling over 0 … ${COUNT - 1}`,
        `\`${r.command}\``,
        `wrk: ${r.summary}`,
      ]),
    });

    progress(`control: ListFunctions for ${seconds} s`);
    let listings = 0;
    let pages = 0;
    let listed = 0;
    cpu0 = treeCpuSeconds(server.pid);
    t0 = performance.now();
    while (performance.now() - t0 < seconds * 1000) {
      const one = await listAll(server);
      if (one.functions !== COUNT) throw new Error(`ListFunctions listed ${one.functions} functions, not ${COUNT}`);
      listings += 1;
      pages += one.pages;
      listed += one.functions;
    }
    ms = performance.now() - t0;
    cpu = treeCpuSeconds(server.pid) - cpu0;
    report.add({
      case: `ListFunctions, full listing (${COUNT} functions)`,
      c: 1,
      perSecond: listed / (ms / 1000),
      cpuPer1k: cpu / (listed / 1000),
      other: `functions listed/s; ${(pages / (ms / 1000)).toFixed(0)} pages/s, ${(listings / (ms / 1000)).toFixed(2)} full listings/s, ${pages / listings} pages each`,
      source: report.source([
        `${server.command}; one fetch client: GET /2015-03-31/functions/, then ?Marker=<NextMarker> until none (default MaxItems), repeated for ${seconds} s`,
        `${listings} full listings, ${pages} pages, ${listed} functions in ${ms.toFixed(0)} ms; server tree CPU ${cpu.toFixed(2)} s`,
      ]),
    });
  } finally {
    await server.stop();
  }
}
