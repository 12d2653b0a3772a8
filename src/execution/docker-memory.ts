// The memory high-water mark of one function container (REPORT's "Max Memory Used"): read from
// the container's own memory cgroup when this process can see it (lambdalite on the docker host),
// else followed through the Engine API's stats stream (lambdalite in a container of its own).
import { readFileSync } from 'node:fs';
import type { Readable } from 'node:stream';
import type Docker from 'dockerode';
import { PeakFile } from './memory-control.js';

const MiB = 1024 * 1024;

export interface MemoryPeak {
  /** The highest usage seen so far, in bytes; reading it also takes a fresh sample. */
  peakBytes(): number;
  stop(): void;
}

/**
 * The file holding the peak of the container's memory cgroup, from /proc/<pid>/cgroup: cgroup v1's
 * memory.max_usage_in_bytes, or v2's memory.peak (Linux 5.19+). The path must name the container,
 * so a pid that means another process in lambdalite's own pid namespace is never read.
 */
function cgroupPeakFile(pid: number, containerId: string): string | undefined {
  let table: string;
  try {
    table = readFileSync(`/proc/${pid}/cgroup`, 'utf8');
  } catch {
    return undefined;
  }
  for (const line of table.split('\n')) {
    const [, controllers, path] = /^\d+:([^:]*):(.*)$/.exec(line) ?? [];
    if (path === undefined || !path.includes(containerId)) continue;
    const file = controllers?.split(',').includes('memory')
      ? `/sys/fs/cgroup/memory${path}/memory.max_usage_in_bytes`
      : controllers === ''
        ? `/sys/fs/cgroup${path}/memory.peak`
        : undefined;
    if (file !== undefined && readBytes(file) !== undefined) return file;
  }
  return undefined;
}

function readBytes(file: string): number | undefined {
  try {
    const n = Number(readFileSync(file, 'utf8').trim());
    return Number.isFinite(n) ? n : undefined;
  } catch {
    return undefined;
  }
}

export function memoryPeak(container: Docker.Container, pid: number): MemoryPeak {
  let peak = 0;
  const file = cgroupPeakFile(pid, container.id);
  if (file !== undefined) {
    // Read after every invocation: one pread on a file kept open, as for the process executor's cgroups.
    const peakFile = new PeakFile([file]);
    return {
      peakBytes: () => (peak = Math.max(peak, peakFile.read())),
      stop: () => peakFile.close(),
    };
  }
  let stream: Readable | undefined;
  let stopped = false;
  void container.stats({ stream: true }).then(
    (s) => {
      stream = s as unknown as Readable;
      if (stopped) return stream.destroy();
      let buffered = '';
      stream.on('error', () => undefined);
      stream.on('data', (chunk: Buffer) => {
        buffered += chunk.toString('utf8');
        for (let nl = buffered.indexOf('\n'); nl >= 0; nl = buffered.indexOf('\n')) {
          const line = buffered.slice(0, nl);
          buffered = buffered.slice(nl + 1);
          try {
            const m = (JSON.parse(line) as { memory_stats?: { usage?: number; max_usage?: number } }).memory_stats;
            peak = Math.max(peak, m?.max_usage ?? 0, m?.usage ?? 0);
          } catch {
            // not a stats object: nothing to learn from it
          }
        }
      });
    },
    () => undefined,
  );
  return {
    peakBytes: () => peak,
    stop: () => {
      stopped = true;
      stream?.destroy();
    },
  };
}

export const toMb = (bytes: number): number => Math.ceil(bytes / MiB);
