/**
 * The Node.js runtime client's HTTP/1.1 client for the Runtime API: one keep-alive socket, one
 * write per batch of pipelined requests, a small response parser. Node's own http client does the
 * same in far more JavaScript, and a runtime serves too few invokes for the JIT to make that code
 * fast (a warm invoke spent more time in it than in the server). Bodies come with a
 * Content-Length (as lambdalite's own Runtime API sends them) or chunked; anything else fails the
 * request.
 */
import { connect, type Socket } from 'node:net';

/** A Runtime API response; its headers are looked up when asked for (a runtime reads a few). */
export class Reply {
  constructor(
    readonly status: number,
    /** The status line and header lines, each ending in CRLF (latin-1). */
    private readonly head: string,
    /** `head` in lower case: the same offsets, for case-insensitive names. */
    private readonly lowerHead: string,
    readonly body: string,
  ) {}

  /** The value of header `name` (lower case), trimmed; undefined if absent. */
  header(name: string): string | undefined {
    return headerValue(this.head, this.lowerHead, name);
  }
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

const READ_BUFFER = Buffer.alloc(65536);
const NON_ASCII = /[^\x00-\x7f]/;

export class RuntimeApiClient {
  private socket: Socket | undefined;
  /** A response the reads so far have not completed (copied out of READ_BUFFER), and its size if known. */
  private partial: { chunks: Buffer[]; bytes: number; need: number } | undefined;
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
   * one round trip, not two), and calls `done` with the last one's reply, in a microtask after the
   * read that completes it (callbacks, not promises per request: a warm runtime runs this path
   * cold, a few times a second). One batch at a time; a keep-alive socket the server closed
   * meanwhile is reopened once.
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
      this.partial = undefined;
      this.settle(undefined, err ?? new Error('socket closed'));
    };
    socket.on('error', closed);
    socket.on('close', () => closed());
    this.socket = socket;
    return socket;
  }

  /** Parses the `n` bytes just read in place; a response not all in yet is copied until it is. */
  private receive(n: number): void {
    const chunk = READ_BUFFER.subarray(0, n);
    const partial = this.partial;
    if (partial) {
      partial.chunks.push(Buffer.from(chunk));
      partial.bytes += n;
      if (partial.bytes < partial.need) return; // a large body: no parsing until all of it is in
      this.partial = undefined;
    }
    const data = partial ? Buffer.concat(partial.chunks) : chunk;
    for (let at = 0; at < data.length; ) {
      const parsed = parseReply(data, at);
      if (parsed === null) {
        this.socket?.destroy(new Error(`unexpected Runtime API response: ${data.toString('latin1', at, data.indexOf('\r\n', at) >>> 0)}`));
        return;
      }
      if ('need' in parsed) {
        this.partial = { chunks: [Buffer.from(data.subarray(at))], bytes: data.length - at, need: parsed.need };
        return;
      }
      at = parsed.end;
      this.settle(parsed.reply);
    }
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
    // In a microtask: the caller's code stays out of the read path (and of what the JIT compiles with it).
    void Promise.resolve(reply).then(batch.done);
  }
}

const STATUS_LINE = /^HTTP\/1\.[01] (\d{3})/;

function headerValue(head: string, lowerHead: string, name: string): string | undefined {
  const at = lowerHead.indexOf(`\r\n${name}:`);
  if (at < 0) return undefined;
  const from = at + name.length + 3;
  return head.slice(from, head.indexOf('\r\n', from)).trim();
}

/** A whole response and where it ends; or how many bytes it needs (0: its head is not all in). */
type Parsed = { readonly reply: Reply; readonly end: number } | { readonly need: number };

/** Response heads are searched within this many bytes (a Runtime API sends a few hundred). */
const HEAD_WINDOW = 65536;

/**
 * The response at `start` of `data`, or null if it is not one. This is the function a warm runtime
 * runs most, so it stays small and loop-free: the JIT optimises it in every environment at about
 * the same invocation (they share the load evenly), and on a small machine fifty compilations at
 * once stall every invocation in flight.
 */
function parseReply(data: Buffer, start: number): Parsed | null {
  const text = data.toString('latin1', start, Math.min(data.length, start + HEAD_WINDOW));
  const headEnd = text.indexOf('\r\n\r\n');
  if (headEnd < 0) return text.length < HEAD_WINDOW ? { need: 0 } : null;
  const head = text.slice(0, headEnd + 2);
  const lowerHead = head.toLowerCase();
  const status = Number(STATUS_LINE.exec(head)?.[1]);
  const chunked = headerValue(head, lowerHead, 'transfer-encoding')?.toLowerCase() === 'chunked';
  const length = Number(headerValue(head, lowerHead, 'content-length') ?? (chunked ? 0 : NaN));
  if (!Number.isInteger(status) || !Number.isSafeInteger(length)) return null;
  const bodyStart = start + headEnd + 4;
  if (chunked) {
    const body = dechunk(data, bodyStart);
    return body && 'text' in body ? { reply: new Reply(status, head, lowerHead, body.text), end: body.end } : body;
  }
  const end = bodyStart + length;
  return data.length < end ? { need: end - start } : { reply: new Reply(status, head, lowerHead, data.toString('utf8', bodyStart, end)), end };
}

/** A chunked body from `start`: its text and end, { need: 0 } until all of it is in, null if malformed. */
function dechunk(data: Buffer, start: number): { text: string; end: number } | { need: number } | null {
  const parts: Buffer[] = [];
  let at = start;
  for (;;) {
    const lineEnd = data.indexOf('\r\n', at);
    if (lineEnd < 0) return { need: 0 };
    const size = parseInt(data.toString('latin1', at, lineEnd), 16);
    if (!Number.isSafeInteger(size) || size < 0) return null;
    at = lineEnd + 2;
    if (size === 0) {
      // No trailers from a Runtime API: the body ends with an empty line.
      return data.length < at + 2 ? { need: 0 } : { text: Buffer.concat(parts).toString('utf8'), end: at + 2 };
    }
    if (data.length < at + size + 2) return { need: 0 };
    parts.push(data.subarray(at, at + size));
    at += size + 2;
  }
}
