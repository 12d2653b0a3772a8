// Each environment's private temp folder (TMPDIR), the process executor's stand-in for /tmp.
// EphemeralStorage is enforced by measuring the folder after each invocation: a folder over the
// limit discards the environment (the invocation's own result stands; a log line says why).
import { lstat, mkdir, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';

export async function createTmpDir(path: string): Promise<void> {
  await mkdir(path, { recursive: true, mode: 0o700 });
}

export async function removeTmpDir(path: string): Promise<void> {
  await rm(path, { recursive: true, force: true, maxRetries: 3 });
}

/** Disk blocks the folder uses, in bytes (sparse files count what they occupy, as on a disk). */
export async function tmpDirUsageBytes(path: string): Promise<number> {
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
