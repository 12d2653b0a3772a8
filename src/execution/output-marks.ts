// End-of-invocation marks in a container's output. A container's output reaches us through
// dockerd, apart from the Runtime API, so the call that ends an invocation can arrive before the
// last lines written ahead of it. The docker executor sends the stderr of lambdalite's own runtime
// clients into their stdout, and the clients write a mark there just before they answer: NUL, the
// token from LAMBDALITE_OUTPUT_MARK, a space, the request id, NUL. Once an invocation's mark is
// in, all of its output is. Marks are cut out of the output; bytes that only might start one wait
// for the next chunk (a NUL is rare in text output).
import { Writable } from 'node:stream';
import { setImmediate as nextTurn } from 'node:timers/promises';

/** Longer than any mark (token, space and a request id): held bytes beyond it are output. */
const MAX_MARK_BYTES = 256;

/** The output stream `writable` is what the Engine's output is written into; the rest goes on to `target`. */
export class OutputMarks {
  readonly writable: Writable;
  /** Whether the runtime has written any mark: a runtime that does not is never waited for. */
  used = false;
  private readonly prefix: Buffer;
  private held: Buffer = Buffer.alloc(0);
  private readonly seen = new Set<string>();
  private readonly waiters = new Map<string, () => void>();

  constructor(
    token: string,
    private readonly target: Writable,
  ) {
    this.prefix = Buffer.from(`\0${token} `);
    this.writable = new Writable({
      write: (chunk: Buffer, _encoding, done) => {
        this.filter(chunk);
        done();
      },
      final: (done) => {
        this.forward(this.held);
        target.end();
        done();
      },
    });
  }

  /** Resolves once `requestId`'s mark is in, or after `maxMs`. */
  async settled(requestId: string, maxMs: number): Promise<void> {
    if (!this.seen.has(requestId)) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, maxMs);
        this.waiters.set(requestId, () => {
          clearTimeout(timer);
          resolve();
        });
      });
      this.waiters.delete(requestId);
    }
    this.seen.delete(requestId);
    await nextTurn(); // the output written with the mark reaches its readers first
  }

  private filter(chunk: Buffer): void {
    let data = this.held.length > 0 ? Buffer.concat([this.held, chunk]) : chunk;
    this.held = Buffer.alloc(0);
    for (let start = data.indexOf(this.prefix); start >= 0; start = data.indexOf(this.prefix)) {
      const end = data.indexOf(0, start + this.prefix.length);
      if (end < 0) {
        if (data.length - start > MAX_MARK_BYTES) break; // not a mark after all
        this.forward(data.subarray(0, start));
        this.held = data.subarray(start);
        return;
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
  }

  private forward(bytes: Buffer): void {
    if (bytes.length > 0) this.target.write(bytes);
  }

  private marked(requestId: string): void {
    this.used = true;
    this.seen.add(requestId);
    this.waiters.get(requestId)?.();
  }
}
