// The unzipped size of an unpacked deployment package or layer: what AWS's 250 MB quota for a
// function plus its layers counts ("Lambda quotas": 250 MB unzipped, layers included).
import { lstat, readdir } from 'node:fs/promises';
import { join } from 'node:path';

/** Bytes of the regular files and symlinks under `dir` (a symlink's size is its target's length). */
export async function treeBytes(dir: string): Promise<number> {
  let total = 0;
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) total += await treeBytes(path);
    else if (entry.isFile() || entry.isSymbolicLink()) total += (await lstat(path)).size;
  }
  return total;
}
