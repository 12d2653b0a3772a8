// Pre-started, code-less runtime processes (zygotes, as in SOCK): a Node.js or Python runtime
// client that has already booted and waits on file descriptor 3 for the one function it will
// serve. A cold start then costs loading the function's code, not spawning and booting a runtime.
// Each zygote is born in its own memory cgroup with the largest Lambda memory size; assigning it
// lowers the limit to the function's MemorySize, so everything it ever allocated counts, as with a
// spawned runtime.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import type { Writable } from 'node:stream';
import { inCgroup, type MemoryCage, type MemoryControl } from './memory-control.js';
import { batchScheduled } from './scheduling.js';

/** The runtime reads its assignment here (src/runtimes/node/client.ts, src/runtimes/python/bootstrap.py). */
const ASSIGNMENT_FD = 3;

/** Largest MemorySize AWS allows (CreateFunction's MemorySize: 128–10240). */
const MAX_MEMORY_MB = 10240;

export interface ZygoteRecipe {
  readonly command: string;
  readonly args: readonly string[];
  /** The environment it boots with; the assignment replaces all of it. */
  readonly env: Readonly<Record<string, string>>;
  readonly cwd: string;
}

/** A booted runtime waiting for its function, with its memory cage. */
export interface Zygote {
  readonly child: ChildProcess;
  readonly cage: MemoryCage;
}

/** What the runtime client reads from ASSIGNMENT_FD to become one function's runtime. */
export interface Assignment {
  readonly env: Readonly<Record<string, string>>;
  readonly cwd: string;
}

export class ZygotePool {
  private readonly ready: Zygote[] = [];
  private closed = false;
  /** Zygotes handed to functions so far. */
  taken = 0;

  constructor(
    private readonly recipe: ZygoteRecipe,
    private readonly size: number,
    private readonly memory: MemoryControl,
  ) {
    for (let i = 0; i < size; i++) this.add();
  }

  /** A ready zygote (its replacement starts at once), or undefined when none is ready. */
  take(): Zygote | undefined {
    const zygote = this.ready.shift();
    if (zygote) {
      this.taken++;
      this.add();
    }
    return zygote;
  }

  /** Hands the zygote its function: the cage shrinks to memoryMb, then the runtime gets its environment. */
  static assign(zygote: Zygote, memoryMb: number, assignment: Assignment): void {
    zygote.cage.resize(memoryMb);
    (zygote.child.stdio[ASSIGNMENT_FD] as Writable).end(JSON.stringify(assignment));
  }

  /** Kills every waiting zygote; resolves when their cgroups are gone. */
  async close(): Promise<void> {
    this.closed = true;
    const waiting = this.ready.splice(0);
    await Promise.all(
      waiting.map(async (z) => {
        kill(z.child);
        if (z.child.exitCode === null && z.child.signalCode === null) await new Promise((resolve) => z.child.once('exit', resolve));
        await z.cage.remove();
      }),
    );
  }

  private add(): void {
    if (this.closed || this.ready.length >= this.size) return;
    const cage = this.memory.create(`zygote-${randomBytes(8).toString('hex')}`, MAX_MEMORY_MB);
    if (!cage.procsFile) {
      void cage.remove();
      return;
    }
    const { command, args, env, cwd } = this.recipe;
    const child = spawn(...inCgroup(cage.procsFile, ...batchScheduled(command, args)), {
      cwd,
      env,
      detached: true,
      // stdin stays /dev/null as a spawned runtime's; the assignment comes through its own pipe.
      stdio: ['ignore', 'pipe', 'pipe', 'pipe'],
    });
    const zygote: Zygote = { child, cage };
    child.once('error', () => undefined); // reported through 'exit'
    // The assignment pipe is a socket pair: a zygote killed unassigned resets it.
    (child.stdio[ASSIGNMENT_FD] as Writable).on('error', () => undefined);
    // A zygote that dies before it is assigned is dropped (not replaced: something is wrong).
    child.once('exit', () => {
      const at = this.ready.indexOf(zygote);
      if (at < 0) return;
      this.ready.splice(at, 1);
      void cage.remove();
    });
    this.ready.push(zygote);
  }
}

function kill(child: ChildProcess): void {
  try {
    process.kill(-child.pid!, 'SIGKILL');
  } catch {
    // already gone
  }
}
