// The /opt view of a function's layers: on AWS each layer is extracted into /opt in the order the
// function lists them, later layers overriding earlier ones ("Layers" in the Lambda developer
// guide). The process executor has no /opt to extract into, so lambdalite builds one merged tree
// per ordered list of layer digests, `<dataDir>/layers-merged/<sha256 of the digests>/`, once, and
// hands its path to the runtime (or binds it at /opt in the bubblewrap sandbox).
//
// The tree is content-addressed like the code store it is built from: the same layers in the same
// order always give the same tree, so it is never rebuilt, and a version that uses it keeps using
// it whatever happens to the layer versions afterwards. Files are hard links into the code store
// (copies where the file system refuses a link); nothing here ever writes through a symlink, and a
// tree is built in a temporary folder and renamed into place only when complete.
import { createHash, randomBytes } from 'node:crypto';
import {
  chmodSync,
  copyFileSync,
  existsSync,
  linkSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readlinkSync,
  renameSync,
  rmSync,
  symlinkSync,
  writeFileSync,
  type Stats,
} from 'node:fs';
import { join } from 'node:path';

// Where a hard link cannot be made, the file is copied: another file system (EXDEV), a file
// system without links (EPERM), or too many links to one inode (EMLINK).
const COPY_INSTEAD = new Set(['EXDEV', 'EPERM', 'EMLINK']);

export class OptDirs {
  private readonly root: string;
  private readonly codeDir: (sha256Hex: string) => string;
  /** Trees known to exist, so an invoke costs one lookup. */
  private readonly built = new Set<string>();

  constructor(options: { readonly dataDir: string; readonly codeDir: (sha256Hex: string) => string }) {
    this.root = join(options.dataDir, 'layers-merged');
    this.codeDir = options.codeDir;
  }

  /**
   * The merged tree of these layers (code digests in the function's order), built on first use.
   * Synchronous on purpose: the invoke path asks for it while building an environment spec, and
   * after the first call (normally at CreateFunction / UpdateFunctionConfiguration) it is a lookup.
   */
  merged(digests: readonly string[]): string {
    const key = createHash('sha256').update(digests.join('\n')).digest('hex');
    const dir = join(this.root, key);
    if (this.built.has(key)) return dir;
    if (!existsSync(dir)) this.build(digests, dir);
    this.built.add(key);
    return dir;
  }

  private build(digests: readonly string[], dir: string): void {
    mkdirSync(this.root, { recursive: true });
    // As in the code store: a `.js` file of a layer is CommonJS unless the layer itself says
    // otherwise, whatever package.json may sit above the data directory.
    if (!existsSync(join(this.root, 'package.json'))) writeFileSync(join(this.root, 'package.json'), '{}\n');
    const tmp = join(this.root, `.tmp-${randomBytes(8).toString('hex')}`);
    try {
      mkdirSync(tmp, { mode: 0o700 });
      const dirModes = new Map<string, number>();
      for (const digest of digests) overlay(this.codeDir(digest), tmp, dirModes);
      // Last, so that no mode (a read-only folder) stops the overlay; owner rwx stays, so the tree
      // can be removed one day. Files are never chmod-ed: they are the code store's own inodes.
      for (const [path, mode] of dirModes) chmodSync(path, mode);
      chmodSync(tmp, 0o755);
      try {
        renameSync(tmp, dir);
      } catch (err) {
        // Built meanwhile by another process over the same data dir: the same tree.
        if (!existsSync(dir)) throw err;
      }
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  }
}

/** Lays the tree `from` over `to`: an entry of `from` replaces whatever `to` has at its path. */
function overlay(from: string, to: string, dirModes: Map<string, number>): void {
  for (const name of readdirSync(from)) {
    const source = join(from, name);
    const target = join(to, name);
    const info = lstatSync(source);
    const existing = lstatOrUndefined(target);
    if (info.isDirectory()) {
      // Two folders merge; a folder replaces a file or a symlink (never written through).
      if (!existing?.isDirectory()) {
        if (existing) remove(target, dirModes);
        mkdirSync(target, { mode: 0o700 });
      }
      dirModes.set(target, (info.mode & 0o777) | 0o700);
      overlay(source, target, dirModes);
      continue;
    }
    if (existing) remove(target, dirModes);
    if (info.isSymbolicLink()) symlinkSync(readlinkSync(source), target);
    else if (info.isFile()) linkOrCopy(source, target, info);
  }
}

function remove(path: string, dirModes: Map<string, number>): void {
  rmSync(path, { recursive: true, force: true });
  for (const dir of dirModes.keys()) {
    if (dir === path || dir.startsWith(`${path}/`)) dirModes.delete(dir);
  }
}

function linkOrCopy(source: string, target: string, info: Stats): void {
  try {
    linkSync(source, target);
  } catch (err) {
    if (!COPY_INSTEAD.has((err as NodeJS.ErrnoException).code ?? '')) throw err;
    copyFileSync(source, target);
    chmodSync(target, info.mode & 0o777);
  }
}

function lstatOrUndefined(path: string): Stats | undefined {
  try {
    return lstatSync(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}
