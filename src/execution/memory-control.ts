// Memory caps for runtime processes. Preferred: one memory cgroup per environment, created under
// the server's own cgroup (v2 when the unified hierarchy has the memory controller, else v1);
// where neither is writable, the 'rss' mode samples VmRSS/VmHWM from /proc and kills over the cap.
// Detected once (detectMemoryControl caches), exposed as `mode`.
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, readSync, rmdirSync, writeFileSync } from 'node:fs';
import { rmdir } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

export type MemoryMode = 'cgroup-v2' | 'cgroup-v1' | 'rss';

/** The memory cap of one environment. */
export interface MemoryCage {
  /** cgroup.procs to write the runtime's pid into before it execs; undefined in 'rss' mode. */
  readonly procsFile: string | undefined;
  /** Starts watching the runtime (rss mode); onOverLimit kills it. */
  watch(pid: number, onOverLimit: () => void): void;
  maxUsageBytes(): number;
  /** Sets a new (lower) cap, for a runtime started before its function was known (zygote-pool.ts). */
  resize(memoryMb: number): void;
  oomKilled(): boolean;
  /** Kills every process left in the cage, waits for them, removes the cgroup. */
  remove(): Promise<void>;
}

export interface MemoryControl {
  readonly mode: MemoryMode;
  /** Why this mode (which cgroup path, or why cgroups were not usable). */
  readonly detail: string;
  create(envId: string, memoryMb: number): MemoryCage;
}

const MiB = 1024 * 1024;

function read(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

function counter(text: string | undefined, key: string): number {
  const match = text?.match(new RegExp(`^${key} (\\d+)$`, 'm'));
  return match ? Number(match[1]) : 0;
}

/** A `Key:   1234 kB` line of /proc/<pid>/status. */
function statusKb(status: string, key: string): number {
  const match = status.match(new RegExp(`^${key}:\\s+(\\d+) kB$`, 'm'));
  return match ? Number(match[1]) : 0;
}

function killPids(procsFile: string): number {
  const pids = (read(procsFile) ?? '').split('\n').filter(Boolean).map(Number);
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  return pids.length;
}

/** Kills until the cgroup is empty, then removes it (rmdir fails with EBUSY while tasks remain). */
async function removeCgroup(dir: string, kill: () => number): Promise<void> {
  for (let attempt = 0; attempt < 300; attempt++) {
    kill();
    try {
      await rmdir(dir);
      return;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
      await sleep(10);
    }
  }
  throw new Error(`could not remove cgroup ${dir}: processes remain`);
}

/** `/bin/sh` arguments that join the cgroup before exec, so not one allocation or child escapes the cap. */
export function inCgroup(procsFile: string, command: string, args: readonly string[]): [string, string[]] {
  return ['/bin/sh', ['-c', 'echo $$ > "$0" && exec "$@"', procsFile, command, ...args]];
}

/** Per-cgroup-version file names; everything else is shared. */
interface CgroupFiles {
  readonly mode: 'cgroup-v1' | 'cgroup-v2';
  readonly limits: (bytes: number) => readonly (readonly [string, string])[];
  readonly peak: readonly string[];
  readonly oomKilled: (dir: string) => boolean;
}

const V1: CgroupFiles = {
  mode: 'cgroup-v1',
  // memsw (memory + swap) after the memory limit, because memsw may never be below it: no swap.
  limits: (bytes) => [['memory.limit_in_bytes', String(bytes)], ['memory.memsw.limit_in_bytes', String(bytes)]],
  peak: ['memory.max_usage_in_bytes'],
  // Kernels before 4.13 have no oom_kill counter: then any failed charge counts.
  oomKilled: (dir) => {
    const control = read(join(dir, 'memory.oom_control'));
    if (control?.includes('oom_kill ')) return counter(control, 'oom_kill') > 0;
    return Number(read(join(dir, 'memory.failcnt'))) > 0;
  },
};

const V2: CgroupFiles = {
  mode: 'cgroup-v2',
  limits: (bytes) => [['memory.max', String(bytes)], ['memory.swap.max', '0']],
  peak: ['memory.peak', 'memory.current'],
  oomKilled: (dir) => counter(read(join(dir, 'memory.events')), 'oom_kill') > 0,
};

function cgroupCage(files: CgroupFiles, parent: string, envId: string, memoryMb: number): MemoryCage {
  const dir = join(parent, `lambdalite-${envId}`);
  mkdirSync(dir);
  const limit = (mb: number): void => {
    for (const [file, value] of files.limits(mb * MiB)) {
      if (existsSync(join(dir, file))) writeFileSync(join(dir, file), value);
    }
  };
  limit(memoryMb);
  const procsFile = join(dir, 'cgroup.procs');
  let peakBytes = 0;
  let oom = false;
  // Read after every invocation (REPORT's Max Memory Used): one pread on a file kept open.
  const peak = new PeakFile(files.peak.map((file) => join(dir, file)));
  const sample = (): void => {
    peakBytes = Math.max(peakBytes, peak.read());
  };
  return {
    procsFile,
    watch: () => undefined,
    resize: limit,
    maxUsageBytes: () => {
      sample();
      return peakBytes;
    },
    oomKilled: () => {
      oom ||= files.oomKilled(dir);
      return oom;
    },
    remove: async () => {
      sample();
      peak.close();
      oom ||= files.oomKilled(dir);
      await removeCgroup(dir, () => killPids(procsFile));
    },
  };
}

/** The first of a cgroup's peak-usage files that opens, read again in place (kernfs regenerates it at offset 0). */
export class PeakFile {
  private fd: number | undefined;
  private readonly buffer = Buffer.alloc(32);

  constructor(private readonly candidates: readonly string[]) {}

  read(): number {
    if (this.fd === undefined) {
      for (const file of this.candidates) {
        try {
          this.fd = openSync(file, 'r');
          break;
        } catch {
          continue;
        }
      }
    }
    if (this.fd === undefined) return 0;
    try {
      const value = Number(this.buffer.toString('latin1', 0, readSync(this.fd, this.buffer, 0, this.buffer.length, 0)));
      return Number.isFinite(value) ? value : 0;
    } catch {
      return 0;
    }
  }

  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }
}

function rssCage(memoryMb: number): MemoryCage {
  let capMb = memoryMb;
  let peakKb = 0;
  let over = false;
  let timer: NodeJS.Timeout | undefined;
  return {
    procsFile: undefined,
    watch: (pid, onOverLimit) => {
      const sample = (): void => {
        const status = read(`/proc/${pid}/status`);
        if (!status) return;
        peakKb = Math.max(peakKb, statusKb(status, 'VmHWM'));
        const rssKb = statusKb(status, 'VmRSS');
        if (rssKb * 1024 > capMb * MiB && !over) {
          over = true;
          onOverLimit();
        }
      };
      sample();
      timer = setInterval(sample, 100);
      timer.unref();
    },
    resize: (mb) => {
      capMb = mb;
    },
    maxUsageBytes: () => peakKb * 1024,
    oomKilled: () => over,
    remove: async () => {
      if (timer) clearInterval(timer);
    },
  };
}

interface Mount {
  readonly root: string;
  readonly mountPoint: string;
  readonly fsType: string;
  readonly superOptions: readonly string[];
}

function mounts(): Mount[] {
  return (read('/proc/self/mountinfo') ?? '').split('\n').flatMap((line) => {
    const [left, right] = line.split(' - ');
    if (!left || !right) return [];
    const f = left.split(' ');
    const [fsType, , options] = right.split(' ');
    return [{ root: f[3] ?? '/', mountPoint: f[4] ?? '', fsType: fsType ?? '', superOptions: (options ?? '').split(',') }];
  });
}

/** The folder of our own cgroup in a mounted hierarchy, from /proc/self/cgroup. */
function ownDir(mount: Mount, cgroupPath: string): string | undefined {
  if (mount.root !== '/' && !cgroupPath.startsWith(mount.root)) return undefined;
  const relative = mount.root === '/' ? cgroupPath : cgroupPath.slice(mount.root.length);
  return join(mount.mountPoint, relative);
}

/** Creates and removes a probe cgroup with a limit: proves we may do it for real. */
function probe(files: CgroupFiles, parent: string): string | undefined {
  try {
    cgroupCage(files, parent, `probe-${process.pid}`, 128);
    rmdirSync(join(parent, `lambdalite-probe-${process.pid}`));
    return undefined;
  } catch (err) {
    return (err as Error).message;
  }
}

function detectV2(lines: readonly string[]): string | undefined {
  const path = lines.find((l) => l.startsWith('0::'))?.slice(3);
  const mount = mounts().find((m) => m.fsType === 'cgroup2');
  if (path === undefined || !mount) return undefined;
  const dir = ownDir(mount, path);
  if (!dir || !(read(join(dir, 'cgroup.controllers')) ?? '').split(/\s+/).includes('memory')) return undefined;
  if (!(read(join(dir, 'cgroup.subtree_control')) ?? '').split(/\s+/).includes('memory')) {
    try {
      writeFileSync(join(dir, 'cgroup.subtree_control'), '+memory');
    } catch {
      return undefined; // our cgroup holds processes: v2 forbids enabling controllers for children
    }
  }
  return probe(V2, dir) === undefined ? dir : undefined;
}

function detectV1(lines: readonly string[]): { dir?: string; why: string } {
  const line = lines.find((l) => l.split(':')[1]?.split(',').includes('memory'));
  const mount = mounts().find((m) => m.fsType === 'cgroup' && m.superOptions.includes('memory'));
  if (!line || !mount) return { why: 'no cgroup v1 memory hierarchy is mounted' };
  const dir = ownDir(mount, line.split(':').slice(2).join(':'));
  if (!dir || !existsSync(dir)) return { why: `our memory cgroup is not visible under ${mount.mountPoint}` };
  const failure = probe(V1, dir);
  return failure ? { why: `cannot create memory cgroups under ${dir}: ${failure}` } : { dir, why: '' };
}

let detected: MemoryControl | undefined;

export function detectMemoryControl(): MemoryControl {
  if (detected) return detected;
  const lines = (read('/proc/self/cgroup') ?? '').split('\n');
  const v2 = detectV2(lines);
  const v1 = v2 ? undefined : detectV1(lines);
  if (v2) detected = { mode: 'cgroup-v2', detail: v2, create: (id, mb) => cgroupCage(V2, v2, id, mb) };
  else if (v1?.dir) {
    const dir = v1.dir;
    detected = { mode: 'cgroup-v1', detail: dir, create: (id, mb) => cgroupCage(V1, dir, id, mb) };
  } else detected = rssControl(v1?.why ?? 'no usable memory cgroup');
  return detected;
}

export function rssControl(why: string): MemoryControl {
  return { mode: 'rss', detail: why, create: (_id, mb) => rssCage(mb) };
}
