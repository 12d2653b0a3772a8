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

interface Pending {
  readonly done: (reply: Reply) => void;
  readonly fail: (err: Error) => void;
}

const HEADER_END = Buffer.from('\r\n\r\n');
const READ_BUFFER = Buffer.alloc(65536);

export class RuntimeApiClient {
  private socket: Socket | undefined;
  private buffered: Buffer = Buffer.alloc(0);
  /** Requests written and not yet answered, oldest first (replies come back in that order). */
  private readonly pending: Pending[] = [];

  constructor(
    private readonly host: string,
    private readonly port: number,
  ) {}

  request(req: ApiRequest): Promise<Reply> {
    return this.pipeline([req]).then((replies) => replies[0]!);
  }

  /**
   * Sends `requests` in one write, pipelined (an answer and the /next behind it cost the runtime
   * one round trip, not two), and resolves with their replies in order. One batch at a time; a
   * keep-alive socket the server closed meanwhile is reopened once.
   */
  pipeline(requests: readonly ApiRequest[]): Promise<Reply[]> {
    if (this.pending.length > 0) return Promise.reject(new Error('a Runtime API request is already in flight'));
    const reused = this.socket !== undefined;
    return this.send(requests).catch((err: NodeJS.ErrnoException) => {
      if (!reused || (err.code !== 'ECONNRESET' && err.code !== 'EPIPE' && err.message !== 'socket closed')) throw err;
      return this.send(requests);
    });
  }

  private send(requests: readonly ApiRequest[]): Promise<Reply[]> {
    const bytes = Buffer.concat(requests.map((r) => this.encode(r)));
    const replies = requests.map(() => new Promise<Reply>((done, fail) => this.pending.push({ done, fail })));
    const socket = this.connection();
    socket.ref(); // a parked /next must keep the process alive; settle() lets go again
    socket.write(bytes);
    return Promise.all(replies);
  }

  private encode({ method, path, body, headers = {} }: ApiRequest): Buffer {
    let head = `${method} ${path} HTTP/1.1\r\nHost: ${this.host}:${this.port}\r\n`;
    for (const [name, value] of Object.entries(headers)) head += `${name}: ${value}\r\n`;
    const payload = body === undefined ? undefined : Buffer.from(body);
    if (payload) head += `Content-Length: ${payload.length}\r\n`;
    head += '\r\n';
    return payload ? Buffer.concat([Buffer.from(head, 'latin1'), payload]) : Buffer.from(head, 'latin1');
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
          this.receive(Buffer.from(READ_BUFFER.subarray(0, n)));
          return true; // keep reading
        },
      },
    });
    const closed = (err?: Error): void => {
      if (this.socket === socket) this.socket = undefined;
      this.buffered = Buffer.alloc(0);
      this.settle(undefined, err ?? new Error('socket closed'));
    };
    socket.on('error', closed);
    socket.on('close', () => closed());
    this.socket = socket;
    return socket;
  }

  private receive(chunk: Buffer): void {
    this.buffered = this.buffered.length === 0 ? chunk : Buffer.concat([this.buffered, chunk]);
    while (this.buffered.length > 0 && this.parseOne());
  }

  /** Settles the oldest pending request if a whole response is buffered; false if not yet. */
  private parseOne(): boolean {
    const headEnd = this.buffered.indexOf(HEADER_END);
    if (headEnd < 0) return false;
    const lines = this.buffered.toString('latin1', 0, headEnd).split('\r\n');
    const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(lines[0] ?? '')?.[1]);
    const headers: Record<string, string> = {};
    for (let i = 1; i < lines.length; i++) {
      const line = lines[i]!;
      const colon = line.indexOf(':');
      if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
    }
    const chunked = headers['transfer-encoding']?.toLowerCase() === 'chunked';
    const length = Number(headers['content-length'] ?? (chunked ? 0 : NaN));
    if (!Number.isInteger(status) || !Number.isSafeInteger(length)) {
      this.socket?.destroy(new Error(`unexpected Runtime API response: ${lines[0]}`));
      return false;
    }
    const bodyStart = headEnd + HEADER_END.length;
    const body = chunked ? dechunk(this.buffered, bodyStart) : { end: bodyStart + length, text: undefined };
    if (!body || this.buffered.length < body.end) return false;
    const text = body.text ?? this.buffered.toString('utf8', bodyStart, body.end);
    this.buffered = this.buffered.subarray(body.end);
    this.settle({ status, headers, body: text });
    return true;
  }

  /** The oldest request gets `reply`; without one, every pending request fails with `err`. */
  private settle(reply: Reply | undefined, err?: Error): void {
    if (!reply) {
      for (const pending of this.pending.splice(0)) pending.fail(err!);
      return;
    }
    const pending = this.pending.shift();
    if (!pending) return;
    // Between requests the socket must not keep the event loop alive (callbackWaitsForEmptyEventLoop).
    if (this.pending.length === 0) this.socket?.unref();
    pending.done(reply);
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
