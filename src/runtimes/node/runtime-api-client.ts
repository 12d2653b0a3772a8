/**
 * The Node.js runtime client's HTTP/1.1 client for the Runtime API: one keep-alive socket, one
 * write per batch of pipelined requests, a small response parser. Node's own http client does the
 * same in far more JavaScript, and a runtime serves too few invokes for the JIT to make that code
 * fast (a warm invoke spent more time in it than in the server). Bodies come with a
 * Content-Length (as lambdalite's own Runtime API sends them) or chunked; anything else fails the
 * request.
 */
import { connect, type Socket } from 'node:net';

export interface Reply {
  readonly status: number;
  /** Header names in lower case; one value each (the Runtime API repeats none). */
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

export interface ApiRequest {
  readonly method: string;
  readonly path: string;
  readonly body?: string;
  readonly headers?: Readonly<Record<string, string>>;
}

/** The requests of one write: their replies come back in order, and the last one is the answer. */
interface Batch {
  remaining: number;
  readonly done: (reply: Reply) => void;
  readonly fail: (err: Error) => void;
}

const HEADER_END = Buffer.from('\r\n\r\n');
const READ_BUFFER = Buffer.alloc(65536);
const NON_ASCII = /[^\x00-\x7f]/;

export class RuntimeApiClient {
  private socket: Socket | undefined;
  /** The start of a response that the last read did not complete, copied out of READ_BUFFER. */
  private leftover: Buffer | undefined;
  private batch: Batch | undefined;

  constructor(
    private readonly host: string,
    private readonly port: number,
  ) {}

  request(req: ApiRequest): Promise<Reply> {
    return new Promise((done, fail) => this.send([req], done, fail));
  }

  /**
   * Sends `requests` in one write, pipelined (an answer and the /next behind it cost the runtime
   * one round trip, not two), and calls `done` with the last one's reply, straight from the read
   * that completes it (no promise hop: a warm runtime runs this path cold, a few times a second).
   * One batch at a time; a keep-alive socket the server closed meanwhile is reopened once.
   */
  send(requests: readonly ApiRequest[], done: (reply: Reply) => void, fail: (err: Error) => void): void {
    if (this.batch) return fail(new Error('a Runtime API request is already in flight'));
    const reused = this.socket !== undefined;
    const bytes = this.encode(requests);
    this.write(bytes, requests.length, done, (err: NodeJS.ErrnoException) => {
      if (!reused || (err.code !== 'ECONNRESET' && err.code !== 'EPIPE' && err.message !== 'socket closed')) fail(err);
      else this.write(bytes, requests.length, done, fail);
    });
  }

  private write(bytes: string | Buffer, count: number, done: Batch['done'], fail: Batch['fail']): void {
    this.batch = { remaining: count, done, fail };
    const socket = this.connection();
    socket.ref(); // a parked /next must keep the process alive; settle() lets go again
    socket.write(bytes);
  }

  /** One string (UTF-8 on the wire) unless a header value needs latin-1 bytes beyond ASCII. */
  private encode(requests: readonly ApiRequest[]): string | Buffer {
    const parts: (string | Buffer)[] = [];
    for (const { method, path, body, headers } of requests) {
      let head = `${method} ${path} HTTP/1.1\r\nHost: ${this.host}:${this.port}\r\n`;
      if (headers) for (const name in headers) head += `${name}: ${headers[name]}\r\n`;
      if (body !== undefined) head += `Content-Length: ${Buffer.byteLength(body)}\r\n`;
      parts.push(NON_ASCII.test(head) ? Buffer.from(head + '\r\n', 'latin1') : head + '\r\n');
      if (body) parts.push(body);
    }
    return parts.every((p) => typeof p === 'string')
      ? parts.join('')
      : Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p) : p)));
  }

  private connection(): Socket {
    if (this.socket) return this.socket;
    // onread: libuv reads into one buffer and calls us, without the stream machinery ('data'
    // events), which a runtime that serves a few invokes a second runs as cold code each time.
    const socket = connect({
      host: this.host,
      port: this.port,
      noDelay: true,
      onread: {
        buffer: READ_BUFFER,
        callback: (n) => {
          this.receive(n);
          return true; // keep reading
        },
      },
    });
    const closed = (err?: Error): void => {
      if (this.socket === socket) this.socket = undefined;
      this.leftover = undefined;
      this.settle(undefined, err ?? new Error('socket closed'));
    };
    socket.on('error', closed);
    socket.on('close', () => closed());
    this.socket = socket;
    return socket;
  }

  /** Parses the `n` bytes just read (after any leftover) in place; keeps a copy of an incomplete tail. */
  private receive(n: number): void {
    const data = this.leftover ? Buffer.concat([this.leftover, READ_BUFFER.subarray(0, n)]) : READ_BUFFER.subarray(0, n);
    this.leftover = undefined;
    let at = 0;
    while (at < data.length) {
      const end = this.parseOne(data, at);
      if (end < 0) break;
      at = end;
    }
    if (at < data.length && this.socket) this.leftover = Buffer.from(data.subarray(at));
  }

  /** Settles a reply if a whole response starts at `start`: where it ends, or -1 if not all in yet. */
  private parseOne(data: Buffer, start: number): number {
    const headEnd = data.indexOf(HEADER_END, start);
    if (headEnd < 0) return -1;
    const head = data.toString('latin1', start, headEnd);
    const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(head)?.[1]);
    const headers: Record<string, string> = {};
    for (let lineStart = head.indexOf('\r\n') + 2; lineStart > 1; ) {
      const next = head.indexOf('\r\n', lineStart);
      const lineEnd = next < 0 ? head.length : next;
      const colon = head.indexOf(':', lineStart);
      if (colon > lineStart && colon < lineEnd) headers[head.slice(lineStart, colon).trim().toLowerCase()] = head.slice(colon + 1, lineEnd).trim();
      lineStart = next + 2;
    }
    const chunked = headers['transfer-encoding']?.toLowerCase() === 'chunked';
    const length = Number(headers['content-length'] ?? (chunked ? 0 : NaN));
    if (!Number.isInteger(status) || !Number.isSafeInteger(length)) {
      this.socket?.destroy(new Error(`unexpected Runtime API response: ${head.slice(0, head.indexOf('\r\n') >>> 0)}`));
      return -1;
    }
    const bodyStart = headEnd + HEADER_END.length;
    const body = chunked ? dechunk(data, bodyStart) : { end: bodyStart + length, text: undefined };
    if (!body || data.length < body.end) return -1;
    this.settle({ status, headers, body: body.text ?? data.toString('utf8', bodyStart, body.end) });
    return body.end;
  }

  /** A reply for the batch (its last one answers it); without one, the batch fails with `err`. */
  private settle(reply: Reply | undefined, err?: Error): void {
    const batch = this.batch;
    if (!batch) return;
    if (reply && --batch.remaining > 0) return;
    this.batch = undefined;
    if (!reply) return batch.fail(err!);
    // Between requests the socket must not keep the event loop alive (callbackWaitsForEmptyEventLoop).
    this.socket?.unref();
    batch.done(reply);
  }
}

/** A complete chunked body from `start`: its text and where it ends; undefined until all of it is in. */
function dechunk(data: Buffer, start: number): { end: number; text: string } | undefined {
  const parts: Buffer[] = [];
  let at = start;
  for (;;) {
    const lineEnd = data.indexOf('\r\n', at);
    if (lineEnd < 0) return undefined;
    const size = parseInt(data.toString('latin1', at, lineEnd), 16);
    if (!Number.isSafeInteger(size)) throw new Error('malformed chunked body from the Runtime API');
    at = lineEnd + 2;
    if (size === 0) {
      // No trailers from a Runtime API: the body ends with an empty line.
      return data.length < at + 2 ? undefined : { end: at + 2, text: Buffer.concat(parts).toString('utf8') };
    }
    if (data.length < at + size + 2) return undefined;
    parts.push(data.subarray(at, at + size));
    at += size + 2;
  }
}
