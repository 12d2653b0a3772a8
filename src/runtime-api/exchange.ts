// One Runtime API request with its response (Exchange), and the connection that carries them
// (Connection). Responses go out in request order, as HTTP/1.1 requires of pipelined requests, and
// every response ready in the same tick leaves in one write: the 202 of an answer and the next event
// behind it wake the runtime once. Plain sockets instead of node:http because the separate write
// node:http makes for each response, and the wake-up it causes, were the server's largest cost per
// invoke (bench, c = 50: half of the server's CPU time was in writev).
import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import { RequestParser, type RequestHead, type RequestSink } from './request-parser.js';

export type BodyRead =
  | { readonly kind: 'ok'; readonly body: Buffer }
  | { readonly kind: 'too-large' }
  | { readonly kind: 'aborted' };

type BodyState = 'reading' | 'complete' | 'too-large' | 'aborted';

// Header values go out as latin-1; CR, LF or NUL in one would split the response (node:http's rule).
const HEADER_VALUE = /^[\t\x20-\x7e\x80-\xff]*$/;
const CONTINUE = 'HTTP/1.1 100 Continue\r\n\r\n';

let dateSecond = 0;
let dateValue = '';
function httpDate(): string {
  const second = Math.floor(Date.now() / 1000);
  if (second !== dateSecond) {
    dateSecond = second;
    dateValue = new Date(second * 1000).toUTCString();
  }
  return dateValue;
}

export class Exchange {
  readonly method: string;
  /** The request target without its query. */
  readonly path: string;
  /** The response's bytes, set by respond() and written by the connection in turn. */
  head: string | undefined;
  body: Buffer | string = '';
  private readonly headers: ReadonlyMap<string, string>;
  private bodyState: BodyState = 'reading';
  private chunks: Buffer[] = [];
  private size = 0;
  private waiter: ((read: BodyRead) => void) | undefined;
  private closeListener: (() => void) | undefined;

  constructor(
    private readonly connection: Connection,
    head: RequestHead,
    private readonly bodyLimitBytes: number,
  ) {
    this.method = head.method;
    this.path = head.target.split('?', 1)[0]!;
    this.headers = head.headers;
    // A declared length past the limit is refused before any of it arrives; the rest is discarded.
    if (Number(head.headers.get('content-length') ?? 0) > bodyLimitBytes) this.bodyState = 'too-large';
  }

  /** A request header by lowercase name. */
  header(name: string): string | undefined {
    return this.headers.get(name);
  }

  /** Whether the client asked for a 100 Continue before it sends the body. */
  get expectsContinue(): boolean {
    return this.headers.get('expect')?.toLowerCase() === '100-continue';
  }

  /**
   * The body, once complete; 'too-large' as soon as it passes the limit (the rest is read and
   * dropped, so the connection stays usable); 'aborted' if the connection closes before its end.
   */
  readBody(): Promise<BodyRead> {
    return new Promise((resolve) => {
      if (this.bodyState === 'reading') this.waiter = resolve;
      else resolve(this.bodyRead());
    });
  }

  /** Whether a response has been given (it may still wait for earlier ones to go out). */
  get responded(): boolean {
    return this.head !== undefined;
  }

  /** Whether the connection is gone: a response can no longer reach the client. */
  get closed(): boolean {
    return this.connection.closed;
  }

  /** Called once if the connection closes before this exchange's response is written. */
  onClose(listener: () => void): void {
    this.closeListener = listener;
  }

  respond(status: number, headers: Readonly<Record<string, string | number>>, body: Buffer | string): void {
    if (this.head !== undefined) throw new Error('the response was already given');
    let head = `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}\r\nDate: ${httpDate()}\r\n`;
    for (const name in headers) {
      const value = String(headers[name]);
      if (!HEADER_VALUE.test(value)) throw new TypeError(`Invalid character in header content ["${name}"]`);
      head += `${name}: ${value}\r\n`;
    }
    const length = typeof body === 'string' ? Buffer.byteLength(body) : body.length;
    this.head = `${head}Content-Length: ${length}\r\n${this.connection.closesAfter(this) ? 'Connection: close\r\n' : ''}\r\n`;
    this.body = body;
    this.connection.flushSoon();
  }

  /** Ends the connection (and every exchange on it) without a response. */
  destroy(): void {
    this.connection.destroy();
  }

  receive(piece: Buffer): void {
    if (this.bodyState !== 'reading') return;
    this.size += piece.length;
    if (this.size > this.bodyLimitBytes) return this.settle('too-large');
    this.chunks.push(piece);
  }

  settle(state: Exclude<BodyState, 'reading'>): void {
    if (this.bodyState !== 'reading') return;
    this.bodyState = state;
    if (state !== 'complete') this.chunks = [];
    const waiter = this.waiter;
    this.waiter = undefined;
    waiter?.(this.bodyRead());
  }

  closedUnanswered(): void {
    this.settle('aborted');
    this.closeListener?.();
  }

  private bodyRead(): BodyRead {
    if (this.bodyState !== 'complete') return { kind: this.bodyState === 'too-large' ? 'too-large' : 'aborted' };
    const body = this.chunks.length === 1 ? this.chunks[0]! : Buffer.concat(this.chunks, this.size);
    this.chunks = [];
    return { kind: 'ok', body };
  }
}

/** One runtime's connection: parses its requests, hands each to `route`, writes responses in order. */
export class Connection implements RequestSink {
  closed = false;
  private readonly parser = new RequestParser(this);
  /** Exchanges whose responses have not been written yet, in request order. */
  private readonly queue: Exchange[] = [];
  /** The exchange whose body the parser is reading. */
  private receiving: Exchange | undefined;
  /** The exchange after whose response the connection ends (Connection: close, HTTP/1.0). */
  private last: Exchange | undefined;
  private peerEnded = false;
  private flushing = false;

  constructor(
    private readonly socket: Socket,
    private readonly route: (exchange: Exchange) => void,
    private readonly bodyLimitBytes: number,
  ) {
    socket.setNoDelay(true);
    socket.on('data', (data: Buffer) => this.parser.feed(data));
    // The runtime stopped sending: answer what it asked, then close.
    socket.on('end', () => {
      this.peerEnded = true;
      this.flushSoon();
    });
    socket.on('error', () => socket.destroy());
    socket.on('close', () => this.onClose());
  }

  head(head: RequestHead): void {
    const exchange = new Exchange(this, head, this.bodyLimitBytes);
    this.queue.push(exchange);
    this.receiving = exchange;
    if (!head.keepAlive) this.last = exchange;
    if (exchange.expectsContinue && this.queue.length === 1) this.socket.write(CONTINUE);
    this.route(exchange);
  }

  body(piece: Buffer): void {
    this.receiving?.receive(piece);
  }

  end(): void {
    this.receiving?.settle('complete');
    this.receiving = undefined;
    if (this.last) this.parser.stop();
  }

  /** A request that cannot be framed: node:http's answer, then the connection ends. */
  error(status: 400 | 431, reason: string): void {
    if (this.closed) return;
    this.socket.write(`HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\n\r\n`);
    // Nothing else goes out: the responses still pending are dropped with the connection.
    this.closed = true;
    this.socket.destroySoon();
  }

  closesAfter(exchange: Exchange): boolean {
    return exchange === this.last || (this.peerEnded && exchange === this.queue.at(-1));
  }

  /** Writes the ready responses at the next tick, so those given together leave in one write. */
  flushSoon(): void {
    if (this.flushing) return;
    this.flushing = true;
    process.nextTick(() => this.flush());
  }

  destroy(): void {
    this.socket.destroy();
  }

  private flush(): void {
    this.flushing = false;
    if (this.closed) return;
    this.socket.cork();
    let ending = false;
    while (!ending && this.queue[0]?.head !== undefined) {
      const exchange = this.queue.shift()!;
      this.socket.write(exchange.head!, 'latin1');
      if (exchange.body.length > 0) this.socket.write(exchange.body);
      ending = exchange === this.last;
    }
    this.socket.uncork();
    if (ending || (this.peerEnded && this.queue.length === 0)) this.socket.destroySoon();
  }

  private onClose(): void {
    this.closed = true;
    this.parser.stop();
    this.receiving?.settle('aborted');
    for (const exchange of this.queue.splice(0)) exchange.closedUnanswered();
  }
}
