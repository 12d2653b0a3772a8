// Content-addressed store of deployment packages: `<dataDir>/code/<sha256hex>.zip` keeps the bytes
// the user uploaded (GetFunction's code download), `<dataDir>/code/<sha256hex>/` the tree that becomes
// LAMBDA_TASK_ROOT. A digest is unpacked once; the same bytes uploaded again cost one hash.
//
// Unpacking is the one place where user bytes become files on our disk, so it trusts nothing in the
// archive: names, declared sizes, CRCs, modes and symlinks are all checked while writing, into a
// temporary folder that is renamed into place only when the whole archive was accepted.
import { createHash, randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { access, chmod, mkdir, open, readFile, rename, rm, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import zlib from 'node:zlib';
import yauzl from 'yauzl';
import { AwsError, invalidParameter } from '../errors.js';

// Lambda quotas page (https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html):
// 250 MB unzipped deployment package (layers included), 50 MB zipped for direct upload. The 50 MB
// request-body limit belongs to the HTTP layer; this store enforces the unzipped one.
export const DEFAULT_MAX_UNZIPPED_BYTES = 262_144_000;
// AWS documents no entry limit; this only bounds the work (inodes, syscalls) one upload can cause.
const MAX_ENTRIES = 50_000;
// Linux PATH_MAX and MAXSYMLINKS: a longer target or a longer chain would never resolve anyway.
const MAX_LINK_TARGET_BYTES = 4095;
const MAX_LINK_HOPS = 40;
// "Version made by" hosts whose external attributes carry a unix st_mode in the high 16 bits
// (APPNOTE 4.4.2: 3 = UNIX, 19 = OS X). Zips from other hosts get the default modes.
const UNIX_HOSTS = new Set([3, 19]);
const S_IFMT = 0o170000;
const S_IFDIR = 0o040000;
const S_IFLNK = 0o120000;
const HEX_DIGEST = /^[0-9a-f]{64}$/;

// AWS's message for anything it cannot unzip (corrupt, truncated, encrypted, unknown compression).
const couldNotUnzip = () =>
  invalidParameter('Could not unzip uploaded file. Please check your file, then try to upload again.');
const badEntry = (name: string, why: string) =>
  invalidParameter(`Invalid zip entry '${name.replace(/[\x00-\x1f]/g, '?')}': ${why}`);

// File-system refusals that an archive can provoke on purpose, and what they mean for the entry.
// Any other error (ENOSPC, EACCES, ...) is our fault, not the user's, and is thrown as is.
const FS_REFUSALS: Readonly<Record<string, string>> = {
  EEXIST: 'duplicate or conflicting entry',
  ENOTDIR: 'a parent of this path is a file or symlink',
  EISDIR: 'conflicts with a directory',
  ELOOP: 'would be written through a symlink',
  ENAMETOOLONG: 'name too long',
};

// zlib.crc32 arrived in Node 20.15 and package.json promises Node >= 20, so keep a table fallback.
const CRC_TABLE = Int32Array.from({ length: 256 }, (_, n) => {
  for (let k = 0; k < 8; k++) n = n & 1 ? 0xedb88320 ^ (n >>> 1) : n >>> 1;
  return n;
});
const crc32: (data: Buffer, value: number) => number =
  typeof zlib.crc32 === 'function'
    ? zlib.crc32
    : (data, value) => {
        let c = ~value;
        for (const byte of data) c = CRC_TABLE[(c ^ byte) & 0xff]! ^ (c >>> 8);
        return ~c >>> 0;
      };

export interface StoredCode {
  readonly sha256Hex: string;
  readonly sha256Base64: string;
  readonly size: number;
}

/** Path segments of an entry name inside the package root; throws for any name that could escape. */
function entryParts(name: string): string[] {
  // Backslashes are refused rather than read as separators: `..\x` means escape on Windows tools.
  if (/[\0\\]/.test(name) || name.startsWith('/') || /^[A-Za-z]:/.test(name)) {
    throw badEntry(name, 'path escapes the package root');
  }
  const parts = name.split('/').filter((part) => part !== '' && part !== '.');
  if (parts.includes('..')) throw badEntry(name, 'path escapes the package root');
  return parts;
}

/**
 * Resolves a symlink path the way the kernel will once the tree is complete, following the
 * archive's other symlinks, and names the problem if it leaves the root or loops. Checking the
 * target text alone is not enough: with `a/up -> ..`, `b -> a/up/..` looks inside but is not.
 */
function linkProblem(linkParts: readonly string[], links: ReadonlyMap<string, { readonly target: string }>) {
  const at: string[] = [];
  const todo = [...linkParts];
  let hops = 0;
  while (todo.length > 0) {
    const part = todo.shift()!;
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (at.pop() === undefined) return 'symlink target escapes the package root';
      continue;
    }
    at.push(part);
    const target = links.get(at.join('/'))?.target;
    if (target === undefined) continue;
    if (++hops > MAX_LINK_HOPS) return 'symlink loop';
    at.pop();
    todo.unshift(...target.split('/'));
  }
  return undefined;
}

export class CodeStore {
  private readonly root: string;
  private readonly maxUnzippedBytes: number;

  constructor(options: { dataDir: string; maxUnzippedBytes?: number }) {
    this.root = join(options.dataDir, 'code');
    this.maxUnzippedBytes = options.maxUnzippedBytes ?? DEFAULT_MAX_UNZIPPED_BYTES;
  }

  zipPath(sha256Hex: string): string {
    return join(this.root, `${checkedHex(sha256Hex)}.zip`);
  }

  codeDir(sha256Hex: string): string {
    return join(this.root, checkedHex(sha256Hex));
  }

  /** The uploaded bytes; rejects with the fs error (ENOENT) for a digest never stored. */
  async read(sha256Hex: string): Promise<Buffer> {
    return readFile(this.zipPath(sha256Hex));
  }

  async put(zip: Buffer): Promise<StoredCode> {
    const digest = createHash('sha256').update(zip).digest();
    const stored = { sha256Hex: digest.toString('hex'), sha256Base64: digest.toString('base64'), size: zip.length };
    const dir = this.codeDir(stored.sha256Hex);
    // The zip is written after the tree, so a stored zip means a complete tree.
    if ((await exists(this.zipPath(stored.sha256Hex))) && (await exists(dir))) return stored;

    await mkdir(this.root, { recursive: true });
    const tmp = join(this.root, `.tmp-${randomBytes(8).toString('hex')}`);
    try {
      await mkdir(tmp);
      await this.unpack(zip, tmp);
      // A concurrent put of the same bytes may have won the rename; its tree is the same as ours.
      await rename(tmp, dir).catch(async (err: unknown) => {
        if (!(await exists(dir))) throw err;
      });
      await writeFile(`${tmp}.zip`, zip, { flag: 'wx' });
      await rename(`${tmp}.zip`, this.zipPath(stored.sha256Hex));
      // Node resolves a `.js` file's module type from the nearest package.json up the tree. On AWS the
      // nearest one above /var/task is none (CommonJS); here the data dir may sit inside a project
      // whose package.json says "type": "module". This neutral one stops the walk at the store.
      await writeFile(join(this.root, 'package.json'), '{}\n', { flag: 'wx' }).catch(() => undefined);
    } finally {
      await rm(tmp, { recursive: true, force: true });
      await rm(`${tmp}.zip`, { force: true });
    }
    return stored;
  }

  /**
   * Validates and unpacks in one pass. Regular files are written as they are read, with O_EXCL |
   * O_NOFOLLOW, and symlinks are created only after the last file: so no write can go through a
   * link from this archive, and a duplicate name fails with EEXIST. Duplicates are rejected, not
   * "last one wins": unzip tools disagree on which copy wins, and a user should not have to guess.
   */
  private async unpack(zip: Buffer, root: string): Promise<void> {
    // decodeStrings: false, so that yauzl hands us every name and we can refuse it by name below.
    const zipfile = await yauzl
      .fromBufferPromise(zip, { lazyEntries: true, decodeStrings: false, validateEntrySizes: true })
      .catch(() => {
        throw couldNotUnzip();
      });
    if (zipfile.entryCount > MAX_ENTRIES) {
      zipfile.close();
      throw invalidParameter(`Zip file has ${zipfile.entryCount} entries; at most ${MAX_ENTRIES} are allowed`);
    }
    const dirModes = new Map<string, number>(); // relative path → mode, applied last
    const links = new Map<string, { name: string; parts: string[]; target: string }>();
    let unzippedBytes = 0;
    let current = '';
    const tooBig = () => invalidParameter(`Unzipped size must be smaller than ${this.maxUnzippedBytes} bytes`);

    // Streams one entry, counting the bytes inflated for real: declared sizes are the zip's word,
    // and a zip bomb lies. Throwing inside `for await` destroys the stream, which stops inflating.
    const drain = async (entry: yauzl.Entry, sink: (chunk: Buffer) => Promise<void>) => {
      // Declared sizes first: an honest oversize package is refused before anything is inflated.
      if (unzippedBytes + entry.uncompressedSize > this.maxUnzippedBytes) throw tooBig();
      const stream = await zipfile.openReadStreamPromise(entry);
      let crc = 0;
      for await (const chunk of stream as AsyncIterable<Buffer>) {
        unzippedBytes += chunk.length;
        if (unzippedBytes > this.maxUnzippedBytes) throw tooBig();
        crc = crc32(chunk, crc);
        await sink(chunk);
      }
      // yauzl checks sizes but not CRCs.
      if (crc >>> 0 !== entry.crc32 >>> 0) throw couldNotUnzip();
    };

    try {
      for await (const entry of zipfile.eachEntry()) {
        current = yauzl.getFileNameLowLevel(entry.generalPurposeBitFlag, entry.fileNameRaw, entry.extraFields, true);
        const parts = entryParts(current);
        const attrs = entry.externalFileAttributes >>> 16;
        const unix = UNIX_HOSTS.has(entry.versionMadeBy >> 8) && attrs !== 0;
        const type = unix ? attrs & S_IFMT : 0;
        // Permission bits only: setuid/setgid/sticky are stripped.
        const mode = unix ? attrs & 0o777 : undefined;
        for (let i = 1; i < parts.length; i++) {
          const parent = parts.slice(0, i).join('/');
          if (!dirModes.has(parent)) dirModes.set(parent, 0o755);
        }

        if (current.endsWith('/') || type === S_IFDIR) {
          if (parts.length === 0) continue; // "./": the root itself
          await mkdir(join(root, ...parts), { recursive: true });
          // Owner rwx always: we must write the children and, one day, delete the tree.
          dirModes.set(parts.join('/'), (mode ?? 0o755) | 0o700);
          continue;
        }
        if (parts.length === 0) throw badEntry(current, 'empty file name');
        await mkdir(join(root, ...parts.slice(0, -1)), { recursive: true });

        if (type === S_IFLNK) {
          const chunks: Buffer[] = [];
          await drain(entry, async (chunk) => void chunks.push(chunk));
          const raw = Buffer.concat(chunks);
          const target = raw.toString('utf8');
          if (raw.length === 0 || raw.length > MAX_LINK_TARGET_BYTES || /[\0\\]/.test(target)) {
            throw badEntry(current, 'invalid symlink target');
          }
          if (target.startsWith('/') || /^[A-Za-z]:/.test(target)) {
            throw badEntry(current, 'symlink target escapes the package root');
          }
          if (links.has(parts.join('/'))) throw badEntry(current, FS_REFUSALS.EEXIST!);
          links.set(parts.join('/'), { name: current, parts, target });
          continue;
        }

        const flags = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW;
        const file = await open(join(root, ...parts), flags, 0o600);
        try {
          await drain(entry, async (chunk) => {
            for (let at = 0; at < chunk.length; ) at += (await file.write(chunk, at)).bytesWritten;
          });
          await file.chmod(mode ?? 0o644); // explicit, so the umask cannot drop the exec bit
        } finally {
          await file.close();
        }
      }

      for (const link of links.values()) {
        current = link.name;
        for (let i = 1; i < link.parts.length; i++) {
          if (links.has(link.parts.slice(0, i).join('/'))) throw badEntry(current, FS_REFUSALS.ELOOP!);
        }
        const problem = linkProblem(link.parts, links);
        if (problem !== undefined) throw badEntry(current, problem);
        await symlink(link.target, join(root, ...link.parts));
      }
      await chmod(root, 0o755);
      for (const [path, mode] of dirModes) await chmod(join(root, path), mode);
    } catch (err) {
      if (err instanceof AwsError) throw err;
      const code = (err as NodeJS.ErrnoException).code;
      if ((err as NodeJS.ErrnoException).syscall === undefined) throw couldNotUnzip(); // yauzl or zlib
      if (code !== undefined && code in FS_REFUSALS) throw badEntry(current, FS_REFUSALS[code]!);
      throw err;
    } finally {
      zipfile.close();
    }
  }
}

function checkedHex(sha256Hex: string): string {
  // Digests become path segments: refuse anything else before it reaches the file system.
  if (!HEX_DIGEST.test(sha256Hex)) throw new TypeError(`not a SHA-256 hex digest: ${sha256Hex}`);
  return sha256Hex;
}

const exists = (path: string): Promise<boolean> => access(path).then(() => true, () => false);
