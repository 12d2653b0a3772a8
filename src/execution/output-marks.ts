// End-of-invocation marks in a container's output. A container's stdout and stderr reach us
// through dockerd, apart from the Runtime API, so the call that ends an invocation can arrive
// before the last lines written ahead of it. lambdalite's own runtime clients therefore write a
// mark on both streams just before they answer: NUL, the token from LAMBDALITE_OUTPUT_MARK, a
// space, the request id, NUL. Once both streams have carried an invocation's mark, all of its
// output is in. Marks are cut out of the output; bytes that only might start one wait for the next
// chunk (a NUL is rare in text output).
import { Writable } from 'node:stream';
import { setImmediate as nextTurn } from 'node:timers/promises';

/** Longer than any mark (token, space and a request id): held bytes beyond it are output. */
const MAX_MARK_BYTES = 256;

/** One stream's filter: forwards the output, reports the request id of each mark. */
class MarkFilter extends Writable {
  private held: Buffer = Buffer.alloc(0);
  private readonly prefix: Buffer;

  constructor(
    token: string,
    private readonly target: Writable,
    private readonly marked: (requestId: string) => void,
  ) {
    super();
    this.prefix = Buffer.from(`\0${token} `);
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, done: (err?: Error | null) => void): void {
    let data = this.held.length > 0 ? Buffer.concat([this.held, chunk]) : chunk;
    this.held = Buffer.alloc(0);
    for (let start = data.indexOf(this.prefix); start >= 0; start = data.indexOf(this.prefix)) {
      const end = data.indexOf(0, start + this.prefix.length);
      if (end < 0) {
        if (data.length - start > MAX_MARK_BYTES) break; // not a mark after all
        this.forward(data.subarray(0, start));
        this.held = data.subarray(start);
        return done();
      }
      this.forward(data.subarray(0, start));
      this.marked(data.toString('latin1', start + this.prefix.length, end));
      data = data.subarray(end + 1);
    }
    // The chunk may end with the first bytes of a mark.
    const nul = data.lastIndexOf(0);
    if (nul >= 0 && this.prefix.subarray(0, data.length - nul).equals(data.subarray(nul))) {
      this.forward(data.subarray(0, nul));
      this.held = data.subarray(nul);
    } else {
      this.forward(data);
    }
    done();
  }

  override _final(done: (err?: Error | null) => void): void {
    this.forward(this.held);
    this.target.end();
    done();
  }

  private forward(bytes: Buffer): void {
    if (bytes.length > 0) this.target.write(bytes);
  }
}

/**
 * The marks of one container's two streams. `stdout` and `stderr` are what the Engine's output
 * is written into; the filtered output goes on to the targets given.
 */
export class OutputMarks {
  readonly stdout: Writable;
  readonly stderr: Writable;
  /** Whether the runtime has written any mark: a runtime that does not is never waited for. */
  used = false;
  private readonly seen = [new Set<string>(), new Set<string>()];
  private readonly waiters = new Map<string, () => void>();

  constructor(token: string, stdout: Writable, stderr: Writable) {
    this.stdout = new MarkFilter(token, stdout, (id) => this.mark(0, id));
    this.stderr = new MarkFilter(token, stderr, (id) => this.mark(1, id));
  }

  /** Resolves once both streams carried `requestId`'s mark, or after `maxMs`. */
  async settled(requestId: string, maxMs: number): Promise<void> {
    if (!this.complete(requestId)) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, maxMs);
        this.waiters.set(requestId, () => {
          clearTimeout(timer);
          resolve();
        });
      });
      this.waiters.delete(requestId);
    }
    for (const ids of this.seen) ids.delete(requestId);
    await nextTurn(); // the filtered output written with the mark reaches its readers first
  }

  private complete(requestId: string): boolean {
    return this.seen.every((ids) => ids.has(requestId));
  }

  private mark(stream: number, requestId: string): void {
    this.used = true;
    this.seen[stream]!.add(requestId);
    if (this.complete(requestId)) this.waiters.get(requestId)?.();
  }
}
