// The runtime's stdout and stderr as timestamped lines, in arrival order. The environment takes
// the lines at the end of each invocation: what arrived since the previous take (init output on a
// cold start, output between invocations) goes with the invocation that follows it.
import type { Readable } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import { setTimeout as sleep } from 'node:timers/promises';

export interface LogLine {
  readonly timeMs: number;
  readonly line: string;
}

/** Output kept per invocation; beyond it lines are counted, not kept (the server's memory). */
export const MAX_LOG_BYTES_PER_INVOCATION = 4 * 1024 * 1024;

class LineSplitter {
  private readonly decoder = new StringDecoder('utf8');
  private partial = '';

  constructor(private readonly emit: (line: string) => void) {}

  write(chunk: Buffer): void {
    const text = this.partial + this.decoder.write(chunk);
    const lines = text.split('\n');
    this.partial = lines.pop() ?? '';
    for (const line of lines) this.emit(line.endsWith('\r') ? line.slice(0, -1) : line);
  }

  flush(): void {
    const rest = this.partial + this.decoder.end();
    this.partial = '';
    if (rest !== '') this.emit(rest);
  }
}

export class LogCapture {
  private lines: LogLine[] = [];
  private keptBytes = 0;
  private droppedBytes = 0;
  private readonly splitters: LineSplitter[] = [];
  private readonly ended: Promise<void>[] = [];

  attach(stream: Readable): void {
    const splitter = new LineSplitter((line) => this.add(line));
    this.splitters.push(splitter);
    stream.on('data', (chunk: Buffer) => splitter.write(chunk));
    this.ended.push(
      new Promise<void>((resolve) => {
        stream.once('end', resolve);
        stream.once('close', resolve);
        stream.once('error', () => resolve());
      }),
    );
  }

  /** Waits (up to waitMs) until every attached stream has ended: the last lines of a dead process. */
  async drained(waitMs: number): Promise<void> {
    const ac = new AbortController();
    await Promise.race([Promise.all(this.ended), sleep(waitMs, undefined, { signal: ac.signal }).catch(() => undefined)]);
    ac.abort();
  }

  /** Everything since the previous take, partial lines included. */
  take(): LogLine[] {
    for (const splitter of this.splitters) splitter.flush();
    const taken = this.lines;
    if (this.droppedBytes > 0) {
      taken.push({
        timeMs: Date.now(),
        line: `[lambdalite] ${this.droppedBytes} bytes of output dropped (more than ${MAX_LOG_BYTES_PER_INVOCATION} bytes in one invocation)`,
      });
    }
    this.lines = [];
    this.keptBytes = 0;
    this.droppedBytes = 0;
    return taken;
  }

  private add(line: string): void {
    const bytes = Buffer.byteLength(line) + 1;
    if (this.keptBytes + bytes > MAX_LOG_BYTES_PER_INVOCATION) {
      this.droppedBytes += bytes;
      return;
    }
    this.keptBytes += bytes;
    this.lines.push({ timeMs: Date.now(), line });
  }
}
