// Optional bubblewrap isolation for the process executor (DESIGN.md "Execution environments"):
// the runtime sees a Lambda-shaped file system — its code read-only at /var/task, its private temp
// folder at /tmp, our runtime client read-only under /var/runtime, the function's layers read-only
// at /opt, the host's system folders read-only — and nothing else of the host (the data dir,
// /root, other functions' code).
// The network stays shared: the runtime must reach its Runtime API on 127.0.0.1.
import { spawnSync } from 'node:child_process';
import { accessSync, constants, lstatSync, readdirSync, readFileSync, readlinkSync, realpathSync } from 'node:fs';
import { basename, delimiter, dirname, join, posix } from 'node:path';
import { constants as osConstants } from 'node:os';
import { BATCH_LAUNCHER } from './scheduling.js';

export type SandboxMode = 'none' | 'bwrap';
export const SANDBOX_MODES: readonly SandboxMode[] = ['none', 'bwrap'];

/** Where AWS puts things (https://docs.aws.amazon.com/lambda/latest/dg/configuration-envvars.html). */
export const TASK_ROOT = '/var/task';
export const RUNTIME_DIR = '/var/runtime';
export const SANDBOX_TMP = '/tmp';
/** Where layers are (https://docs.aws.amazon.com/lambda/latest/dg/packaging-layers.html). */
export const OPT_DIR = '/opt';

/** A host folder of the system layer: bound read-only, or re-made as the same symlink (merged /usr). */
export type HostEntry =
  | { readonly kind: 'dir'; readonly path: string }
  | { readonly kind: 'symlink'; readonly path: string; readonly target: string };

export interface SandboxBind {
  readonly source: string;
  readonly target: string;
  readonly writable: boolean;
}

export interface SandboxLayout {
  /** Read-only at the same paths: /usr, /bin, /lib*, /etc, the interpreter's install prefix. */
  readonly system: readonly HostEntry[];
  /** Empty folders made before the binds (/opt for a function with layers). */
  readonly dirs?: readonly string[];
  /** The environment's own binds, mounted over the system layer in this order. */
  readonly binds: readonly SandboxBind[];
  /** Symlinks made after the binds (a layer's top-level symlinks under /opt). */
  readonly links?: readonly { readonly path: string; readonly target: string }[];
}

/** A top-level entry of a function's merged layer tree (src/layers/opt-dirs.ts). */
export type OptEntry =
  | { readonly name: string; readonly kind: 'dir' | 'file' }
  | { readonly name: string; readonly kind: 'symlink'; readonly target: string };

export interface LambdaLayoutOptions {
  readonly codeDir: string;
  readonly tmpDir: string;
  /** The runtime client's folder (LaunchRecipe.runtimeDir), unless it is the code folder. */
  readonly runtimeDir: string | undefined;
  /** The package.json that gives the runtime client its module type (ESM), if any. */
  readonly moduleScope: string | undefined;
  readonly system: readonly HostEntry[];
  /** The layers' merged tree and its top-level entries; none without layers. */
  readonly opt?: { readonly dir: string; readonly entries: readonly OptEntry[] };
}

/**
 * /var/task (code, read-only), /var/runtime/<client folder> (read-only) with the package.json
 * next to it so Node.js still loads the client as ESM, /opt (layers, read-only) and /tmp
 * (read-write).
 *
 * /opt is made of one bind per top-level entry of the merged tree rather than one bind of the
 * tree, because the system layer may already have an interpreter installed under /opt (a node
 * prefix such as /opt/node-v20), which a bind over all of /opt would hide; an entry that would
 * cover or sit inside such a prefix is left out, since the runtime itself must run.
 */
export function lambdaLayout(o: LambdaLayoutOptions): SandboxLayout {
  const binds: SandboxBind[] = [{ source: o.codeDir, target: TASK_ROOT, writable: false }];
  if (o.runtimeDir) {
    binds.push({ source: o.runtimeDir, target: posix.join(RUNTIME_DIR, basename(o.runtimeDir)), writable: false });
    if (o.moduleScope) binds.push({ source: o.moduleScope, target: posix.join(RUNTIME_DIR, 'package.json'), writable: false });
  }
  const dirs: string[] = [];
  const links: { path: string; target: string }[] = [];
  if (o.opt) {
    dirs.push(OPT_DIR);
    for (const entry of o.opt.entries) {
      const path = posix.join(OPT_DIR, entry.name);
      if (o.system.some((s) => isUnder(s.path, path) || isUnder(path, s.path))) continue;
      if (entry.kind === 'symlink') links.push({ path, target: entry.target });
      else binds.push({ source: join(o.opt.dir, entry.name), target: path, writable: false });
    }
  }
  binds.push({ source: o.tmpDir, target: SANDBOX_TMP, writable: true });
  return { system: o.system, binds, ...(dirs.length > 0 && { dirs }), ...(links.length > 0 && { links }) };
}

/** The top-level entries of a merged layer tree, for lambdaLayout(). */
export function optEntries(dir: string): OptEntry[] {
  return readdirSync(dir, { withFileTypes: true }).map((entry): OptEntry => {
    if (entry.isSymbolicLink()) return { name: entry.name, kind: 'symlink', target: readlinkSync(join(dir, entry.name)) };
    return { name: entry.name, kind: entry.isDirectory() ? 'dir' : 'file' };
  });
}

const trimSlash = (path: string): string => (path.length > 1 ? path.replace(/\/+$/, '') : path);
const isUnder = (path: string, dir: string): boolean => {
  const base = trimSlash(dir);
  return path === base || path.startsWith(base === '/' ? '/' : `${base}/`);
};

/** A host path as the sandboxed runtime sees it (the deepest bind wins); others are unchanged. */
export function sandboxPath(layout: SandboxLayout, hostPath: string): string {
  const bind = layout.binds
    .filter((b) => isUnder(hostPath, b.source))
    .sort((a, b) => b.source.length - a.source.length)[0];
  if (!bind) return hostPath;
  return bind.target + hostPath.slice(trimSlash(bind.source).length);
}

/**
 * bwrap's arguments up to and including `--`. Not `--new-session`: the executor kills the runtime
 * through its process group. `--unshare-pid` and `--cap-drop ALL` because without them a root
 * runtime could reach the host's files through /proc/<pid>/root of a host process (or of another
 * sandbox); the pid namespace also means every process inside dies with the sandbox's first one.
 */
export function bwrapArgs(layout: SandboxLayout): string[] {
  const argv = ['--unshare-ipc', '--unshare-uts', '--unshare-pid', '--die-with-parent', '--cap-drop', 'ALL'];
  for (const entry of layout.system) {
    if (entry.kind === 'dir') argv.push('--ro-bind', entry.path, entry.path);
    else argv.push('--symlink', entry.target, entry.path);
  }
  argv.push('--proc', '/proc', '--dev', '/dev', '--dir', '/var');
  if (layout.binds.some((b) => b.target.startsWith(`${RUNTIME_DIR}/`))) argv.push('--dir', RUNTIME_DIR);
  for (const dir of layout.dirs ?? []) argv.push('--dir', dir);
  for (const b of layout.binds) argv.push(b.writable ? '--bind' : '--ro-bind', b.source, b.target);
  for (const link of layout.links ?? []) argv.push('--symlink', link.target, link.path);
  // bwrap's own root is a tmpfs: read-only like the rest of a Lambda file system (only /tmp writes).
  argv.push('--remount-ro', '/', '--chdir', TASK_ROOT, '--');
  return argv;
}

/** System folders the runtimes need (node, python3, sh, curl and their libraries, /etc). */
const SYSTEM_DIRS = ['/usr', '/bin', '/sbin', '/lib', '/lib32', '/lib64', '/libx32', '/etc'];

/**
 * The host's system layer: each of SYSTEM_DIRS that exists, plus the install prefix of each
 * executable that lives elsewhere (node under /opt or ~/.nvm, python under ~/.pyenv). A prefix is
 * the folder above `bin/`, but never a top-level folder such as /root: then only `bin/` itself.
 */
export function hostSystem(executables: readonly string[]): HostEntry[] {
  const entries: HostEntry[] = [];
  for (const path of SYSTEM_DIRS) {
    try {
      const info = lstatSync(path);
      if (info.isSymbolicLink()) entries.push({ kind: 'symlink', path, target: readlinkSync(path) });
      else if (info.isDirectory()) entries.push({ kind: 'dir', path });
    } catch {
      continue;
    }
  }
  const covered = (p: string): boolean => entries.some((e) => e.kind === 'dir' && isUnder(p, e.path));
  for (const executable of executables) {
    let real: string;
    try {
      real = realpathSync(executable);
    } catch {
      continue;
    }
    if (covered(real)) continue;
    const binDir = dirname(real);
    const prefix = basename(binDir) === 'bin' && dirname(dirname(binDir)) !== '/' ? dirname(binDir) : binDir;
    entries.push({ kind: 'dir', path: prefix });
  }
  return entries;
}

/**
 * bwrap reports a command killed by signal N as exit status 128+N (its monitor exits in its
 * place); turn that back into the signal, so a cgroup OOM kill still reads as SIGKILL.
 */
export function bwrapExit(code: number | null, signal: NodeJS.Signals | null): { code: number | null; signal: NodeJS.Signals | null } {
  if (code === null || code <= 128) return { code, signal };
  const name = Object.entries(osConstants.signals).find(([, n]) => n === code - 128)?.[0];
  return name ? { code: null, signal: name as NodeJS.Signals } : { code, signal };
}

function findBwrap(): string | undefined {
  const dirs = ['/usr/bin', ...(process.env['PATH'] ?? '').split(delimiter).filter(Boolean)];
  for (const dir of dirs) {
    try {
      accessSync(join(dir, 'bwrap'), constants.X_OK);
      return join(dir, 'bwrap');
    } catch {
      continue;
    }
  }
  return undefined;
}

export type BwrapAvailability = { readonly ok: true; readonly path: string } | { readonly ok: false; readonly reason: string };

let availability: BwrapAvailability | undefined;

/**
 * Whether bubblewrap exists and works here, with the namespaces bwrapArgs() asks for (a container
 * without CAP_SYS_ADMIN or user namespaces has bwrap but cannot use it). Checked once.
 */
export function bwrapAvailable(): BwrapAvailability {
  if (availability) return availability;
  const path = findBwrap();
  if (!path) return (availability = { ok: false, reason: 'bwrap (bubblewrap) is not installed: neither /usr/bin/bwrap nor on PATH' });
  const probe = spawnSync(
    path,
    ['--ro-bind', '/', '/', '--unshare-ipc', '--unshare-uts', '--unshare-pid', '--cap-drop', 'ALL', '--proc', '/proc', '--dev', '/dev', '--', 'true'],
    { timeout: 10_000, encoding: 'utf8', stdio: ['ignore', 'ignore', 'pipe'] },
  );
  if (probe.error) availability = { ok: false, reason: `${path} could not run: ${probe.error.message}` };
  else if (probe.status !== 0) {
    const why = probe.stderr.trim() || (probe.signal ? `killed by ${probe.signal}` : `exit status ${probe.status}`);
    availability = { ok: false, reason: `${path} does not work here: ${why}` };
  } else availability = { ok: true, path };
  return availability;
}

function childPids(pid: number): number[] {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').split(' ').filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

function comm(pid: number): string | undefined {
  try {
    return readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
  } catch {
    return undefined;
  }
}

/**
 * The host PID of the runtime itself, below bwrap's own processes (the monitor, and the pid
 * namespace's init): what a sampling memory watcher must look at. Undefined if it does not appear.
 * Right after the spawn the process may still be the batch launcher, about to exec bwrap.
 */
export async function runtimePidInside(bwrapPid: number, withinMs = 5000): Promise<number | undefined> {
  const until = Date.now() + withinMs;
  while (Date.now() < until) {
    let pid = bwrapPid;
    for (let depth = 0; depth < 4 && comm(pid) === 'bwrap'; depth++) pid = childPids(pid)[0] ?? pid;
    const name = comm(pid);
    if (name === undefined) return undefined;
    if (name !== 'bwrap' && name !== BATCH_LAUNCHER) return pid;
    await new Promise((r) => setTimeout(r, 10));
  }
  return undefined;
}
