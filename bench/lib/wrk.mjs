// Runs wrk (the load generator of every warm row) with wrk.lua and reads its own figures back,
// plus the CPU the measured process tree spent during the run (the load generator excluded).
import { execFile, execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { treeCpuSeconds } from './proc.mjs';

const SCRIPT = fileURLToPath(new URL('./wrk.lua', import.meta.url));
// An unmeasured run first, so the measured one starts with every process's JIT warm: environments
// warmed by a few invokes each still run cold code, and at c=50 that alone doubles the CPU per invoke.
export const WARMUP_SECONDS = 1;

/** Exits with the install hint when wrk is missing. */
export function requireWrk() {
  try {
    execFileSync('wrk', ['--version'], { stdio: 'ignore' });
  } catch (err) {
    // wrk --version exits 1 after printing its version, so only a spawn failure means "missing".
    if (err.code !== 'ENOENT') return;
    console.error('bench: wrk is not installed; install it with `apt-get install wrk` (Debian/Ubuntu) and run again.');
    process.exit(1);
  }
}

/**
 * One measured wrk run, after a WARMUP_SECONDS one unless `warmup` is false: `connections`
 * connections on one thread for `seconds`, against `url`.
 * `env` passes GET_PREFIX/GET_COUNT to wrk.lua. Returns wrk's figures, its command line and the
 * CPU seconds of the process tree under `cpuPid`.
 */
export async function wrk({ url, connections, seconds, cpuPid, env = {}, warmup = true }) {
  // --timeout: wrk's default (2 s) drops slower responses from the latencies as errors.
  const args = (duration) => ['-t1', `-c${connections}`, `-d${duration}s`, '--timeout', '30s', '--latency', '-s', SCRIPT, url];
  const run = (duration) =>
    new Promise((resolve, reject) =>
      execFile('wrk', args(duration), { env: { ...process.env, ...env } }, (err, out, errOut) =>
        err ? reject(new Error(`wrk failed: ${errOut || err.message}`)) : resolve(out),
      ),
    );
  if (warmup) await run(WARMUP_SECONDS);
  const cpu0 = treeCpuSeconds(cpuPid);
  const stdout = await run(seconds);
  const cpuSeconds = treeCpuSeconds(cpuPid) - cpu0;
  const line = /^WRK_JSON (.*)$/m.exec(stdout);
  if (!line) throw new Error(`wrk printed no summary:\n${stdout}`);
  const r = JSON.parse(line[1]);
  const errors = r.connect + r.read + r.write + r.status + r.timeout;
  // wrk's own report lines, verbatim: thread latency stats, requests/sec, errors if any.
  const verbatim = stdout.split('\n').map((l) => l.trim()).filter((l) => /^(Latency +\d|Requests\/sec|Non-2xx|Socket errors)/.test(l));
  const envText = Object.entries(env).map(([k, v]) => `${k}=${v} `).join('');
  return {
    command: `${envText}wrk ${args(seconds).join(' ').replace(SCRIPT, 'bench/lib/wrk.lua').replace(/:\d+\//, ':$PORT/')}`,
    perSecond: r.requests / (r.durationUs / 1e6),
    p50Ms: r.p50Us / 1000,
    p99Ms: r.p99Us / 1000,
    cpuPer1k: cpuSeconds / (r.requests / 1000),
    requests: r.requests,
    errors,
    // wrk's own numbers, as it counted them.
    summary:
      `${r.requests} requests in ${(r.durationUs / 1e6).toFixed(2)}s, ${(r.bytes / 1024).toFixed(0)} KiB read; ` +
      `latency mean ${(r.meanUs / 1000).toFixed(3)} ms, p50 ${r.p50Us} µs, p99 ${r.p99Us} µs, max ${r.maxUs} µs; ` +
      `errors connect ${r.connect}, read ${r.read}, write ${r.write}, non-2xx ${r.status}, timeout ${r.timeout}; ` +
      `server tree CPU ${cpuSeconds.toFixed(2)} s; wrk printed: "${verbatim.join('" "').replace(/\s+/g, ' ')}"`,
  };
}
