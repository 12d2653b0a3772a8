/**
 * The Node.js runtime client's HTTP/1.1 client for the Runtime API: one keep-alive socket, one
 * write per request, a small response parser. Node's own http client does the same in far more
 * JavaScript, and a runtime serves too few invokes for the JIT to make that code fast (a warm
 * invoke spent more time in it than in the server). Bodies come with a Content-Length (as
 * lambdalite's own Runtime API sends them) or chunked; anything else fails the request.
 */
import { connect, type Socket } from 'node:net';

export interface Reply {
  readonly status: number;
  /** Header names in lower case; one value each (the Runtime API repeats none). */
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

interface Pending {
  readonly done: (reply: Reply) => void;
  readonly fail: (err: Error) => void;
}

const HEADER_END = Buffer.from('\r\n\r\n');

export class RuntimeApiClient {
  private socket: Socket | undefined;
  private buffered: Buffer = Buffer.alloc(0);
  private pending: Pending | undefined;

  constructor(
    private readonly host: string,
    private readonly port: number,
  ) {}

  /** One request at a time; a keep-alive socket the server closed meanwhile is reopened once. */
  request(method: string, path: string, body?: string, headers: Readonly<Record<string, string>> = {}): Promise<Reply> {
    if (this.pending) return Promise.reject(new Error('a Runtime API request is already in flight'));
    const reused = this.socket !== undefined;
    return this.send(method, path, body, headers).catch((err: NodeJS.ErrnoException) => {
      if (!reused || (err.code !== 'ECONNRESET' && err.code !== 'EPIPE' && err.message !== 'socket closed')) throw err;
      return this.send(method, path, body, headers);
    });
  }

  private send(method: string, path: string, body: string | undefined, headers: Readonly<Record<string, string>>): Promise<Reply> {
    return new Promise<Reply>((done, fail) => {
      this.pending = { done, fail };
      let head = `${method} ${path} HTTP/1.1\r\nHost: ${this.host}:${this.port}\r\n`;
      for (const [name, value] of Object.entries(headers)) head += `${name}: ${value}\r\n`;
      const payload = body === undefined ? undefined : Buffer.from(body);
      if (payload) head += `Content-Length: ${payload.length}\r\n`;
      head += '\r\n';
      const socket = this.connection();
      socket.ref(); // a parked /next must keep the process alive; settle() lets go again
      socket.write(payload ? Buffer.concat([Buffer.from(head, 'latin1'), payload]) : head);
    });
  }

  private connection(): Socket {
    if (this.socket) return this.socket;
    const socket = connect({ host: this.host, port: this.port, noDelay: true });
    socket.on('data', (chunk: Buffer) => this.receive(chunk));
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
    const headEnd = this.buffered.indexOf(HEADER_END);
    if (headEnd < 0) return;
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
      return;
    }
    const bodyStart = headEnd + HEADER_END.length;
    const body = chunked ? dechunk(this.buffered, bodyStart) : { end: bodyStart + length, text: undefined };
    if (!body || this.buffered.length < body.end) return;
    const text = body.text ?? this.buffered.toString('utf8', bodyStart, body.end);
    this.buffered = this.buffered.subarray(body.end);
    this.settle({ status, headers, body: text });
  }

  private settle(reply: Reply | undefined, err?: Error): void {
    const pending = this.pending;
    if (!pending) return;
    this.pending = undefined;
    if (reply) {
      // Between requests the socket must not keep the event loop alive (callbackWaitsForEmptyEventLoop).
      this.socket?.unref();
      pending.done(reply);
    } else pending.fail(err!);
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
