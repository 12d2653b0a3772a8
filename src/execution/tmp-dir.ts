// Each environment's private temp folder (TMPDIR), the process executor's stand-in for /tmp.
// EphemeralStorage is enforced by measuring the folder after each invocation: a folder over the
// limit discards the environment (the invocation's own result stands; a log line says why).
import { statSync } from 'node:fs';
import { lstat, mkdir, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';

export async function createTmpDir(path: string): Promise<void> {
  await mkdir(path, { recursive: true, mode: 0o700 });
}

export async function removeTmpDir(path: string): Promise<void> {
  await rm(path, { recursive: true, force: true, maxRetries: 3 });
}

/** File times tick coarsely (a jiffy): an mtime this recent could be shared by a change to come. */
const COARSE_CLOCK_MS = 50;

/**
 * Measures one environment's folder after each invocation. Most functions never write to /tmp, so
 * an empty folder whose mtime has not moved since (no entry created or removed in it) is known
 * to be empty from one stat, without walking it.
 */
export class TmpDirMeter {
  private emptyAtMtimeMs: number | undefined;

  constructor(private readonly path: string) {}

  async usageBytes(): Promise<number> {
    let mtimeMs: number;
    try {
      mtimeMs = statSync(this.path).mtimeMs;
    } catch {
      return 0;
    }
    if (mtimeMs === this.emptyAtMtimeMs) return 0;
    const entries = await readdir(this.path).catch(() => []);
    this.emptyAtMtimeMs = entries.length === 0 && Date.now() - mtimeMs > COARSE_CLOCK_MS ? mtimeMs : undefined;
    return entries.length === 0 ? 0 : tmpDirUsageBytes(this.path);
  }
}

/** Disk blocks the folder uses, in bytes (sparse files count what they occupy, as on a disk). */
async function tmpDirUsageBytes(path: string): Promise<number> {
  let total = 0;
  let entries;
  try {
    entries = await readdir(path, { withFileTypes: true });
  } catch {
    return 0;
  }
  for (const entry of entries) {
    const full = join(path, entry.name);
    try {
      const info = await lstat(full);
      total += info.blocks * 512;
      if (entry.isDirectory()) total += await tmpDirUsageBytes(full);
    } catch {
      continue;
    }
  }
  return total;
}
