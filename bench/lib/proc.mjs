// What a process tree costs, read from /proc: CPU seconds and resident memory of a process and
// all its descendants (the server and its runtimes), so the floor and lambdalite are measured
// the same way and the load generator is left out.
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

const TICKS_PER_SECOND = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;

function read(path) {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined; // the process exited between listing and reading
  }
}

/** Fields of /proc/<pid>/stat after the command name, numbered as in proc(5) from field 3. */
function statFields(pid) {
  const stat = read(`/proc/${pid}/stat`);
  if (stat === undefined) return undefined;
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
}

/** `root` and every process below it, by walking parent ids over all of /proc. */
export function processTree(root) {
  const children = new Map();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const fields = statFields(entry);
    if (!fields) continue;
    const ppid = Number(fields[1]);
    if (!children.has(ppid)) children.set(ppid, []);
    children.get(ppid).push(Number(entry));
  }
  const tree = [root];
  for (let i = 0; i < tree.length; i++) tree.push(...(children.get(tree[i]) ?? []));
  return tree;
}

/** The parent process id, or undefined once `pid` is gone. */
export function parentPid(pid) {
  const fields = statFields(pid);
  return fields && Number(fields[1]);
}

/** Direct children of `pid` (for lambdalite: one per runtime environment). */
export const childCount = (pid) => processTree(pid).filter((p) => parentPid(p) === pid).length;

/**
 * CPU seconds (user + system) spent by the tree so far. cutime/cstime count children that exited
 * and were reaped, so a runtime that ends mid-run is still counted once it is waited for.
 */
export function treeCpuSeconds(root) {
  let ticks = 0;
  for (const pid of processTree(root)) {
    const f = statFields(pid);
    if (f) ticks += Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14]); // utime stime cutime cstime
  }
  return ticks / TICKS_PER_SECOND;
}

function kbField(text, name) {
  const match = text && new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(text);
  return match ? Number(match[1]) * 1024 : 0;
}

/** RSS (VmRSS) and PSS (shared pages split between their users) of each pid, summed, in bytes. */
export function memoryBytes(pids) {
  let rss = 0;
  let pss = 0;
  for (const pid of pids) {
    rss += kbField(read(`/proc/${pid}/status`), 'VmRSS');
    pss += kbField(read(`/proc/${pid}/smaps_rollup`), 'Pss');
  }
  return { rss, pss };
}
