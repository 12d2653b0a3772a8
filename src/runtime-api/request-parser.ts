// HTTP/1.1 requests from one connection's bytes (RFC 9112), for the Runtime API's own listener:
// request line and headers, then a body framed by Content-Length or chunked transfer coding, and
// the next request after it (clients may pipeline). Anything it cannot frame safely is an error
// and ends the connection, as node:http's parser does: a Transfer-Encoding other than chunked,
// Content-Length together with Transfer-Encoding, a malformed line, a head over 64 KiB.

/** Longest request head (request line and headers) or chunk-size/trailer line accepted. */
export const MAX_HEAD_BYTES = 65_536;

export interface RequestHead {
  readonly method: string;
  /** The request target as sent (path and query). */
  readonly target: string;
  /** HTTP/1.0 closes after its response unless it asks to keep the connection alive. */
  readonly keepAlive: boolean;
  /** Lowercased names; repeated headers joined with ", ". */
  readonly headers: ReadonlyMap<string, string>;
}

/** What the parser found, in order: a head, its body in pieces, its end; or an error (then nothing). */
export interface RequestSink {
  head(head: RequestHead): void;
  body(piece: Buffer): void;
  end(): void;
  error(status: 400 | 431, reason: string): void;
}

const enum State { Head, Length, ChunkSize, ChunkData, ChunkEnd, Trailers, Failed }

const REQUEST_LINE = /^([!#$%&'*+.^_`|~0-9A-Za-z-]+) ([^\s]+) HTTP\/1\.([01])$/;
const HEADER_LINE = /^([!#$%&'*+.^_`|~0-9A-Za-z-]+):[ \t]*([^\0]*?)[ \t]*$/;
const CHUNK_SIZE = /^([0-9A-Fa-f]{1,8})[ \t]*(?:;.*)?$/;
const DECIMAL = /^\d{1,15}$/;
const CRLF = Buffer.from('\r\n');
const HEAD_END = Buffer.from('\r\n\r\n');

export class RequestParser {
  private state = State.Head;
  /** Bytes of an unfinished head or line, kept until the rest arrives. */
  private pending: Buffer | undefined;
  /** Body bytes still to come (Length), or of the current chunk (ChunkData). */
  private remaining = 0;

  constructor(private readonly sink: RequestSink) {}

  /** Parses one read. Stops at the first error; later reads are then ignored. */
  feed(data: Buffer): void {
    let at = 0;
    while (at < data.length && this.state !== State.Failed) {
      if (this.state === State.Length || this.state === State.ChunkData) {
        const take = Math.min(this.remaining, data.length - at);
        this.sink.body(data.subarray(at, at + take));
        at += take;
        this.remaining -= take;
        if (this.remaining > 0) return;
        if (this.state === State.ChunkData) this.state = State.ChunkEnd;
        else this.finish();
        continue;
      }
      if (this.pending) {
        data = Buffer.concat([this.pending, data.subarray(at)]);
        at = 0;
        this.pending = undefined;
      }
      const isHead = this.state === State.Head;
      // A request may follow the previous one's blank line with stray CRLFs (RFC 9112 §2.2).
      while (isHead && data[at] === 0x0d && data[at + 1] === 0x0a) at += 2;
      if (at >= data.length) return;
      const end = data.indexOf(isHead ? HEAD_END : CRLF, at);
      if (end < 0) {
        if (data.length - at > MAX_HEAD_BYTES) return this.fail(431, 'Request Header Fields Too Large');
        this.pending = Buffer.from(data.subarray(at));
        return;
      }
      if (end - at > MAX_HEAD_BYTES) return this.fail(431, 'Request Header Fields Too Large');
      const text = data.toString('latin1', at, end);
      at = end + (isHead ? HEAD_END.length : CRLF.length);
      if (isHead) this.head(text);
      else this.line(text);
    }
  }

  private head(text: string): void {
    const lines = text.split('\r\n');
    const request = REQUEST_LINE.exec(lines[0]!);
    if (!request) return this.fail(400, 'Bad Request');
    const headers = new Map<string, string>();
    for (let i = 1; i < lines.length; i++) {
      const header = HEADER_LINE.exec(lines[i]!);
      if (!header) return this.fail(400, 'Bad Request');
      const name = header[1]!.toLowerCase();
      const before = headers.get(name);
      headers.set(name, before === undefined ? header[2]! : `${before}, ${header[2]!}`);
    }
    const connection = headers.get('connection')?.toLowerCase() ?? '';
    const keepAlive = request[3] === '1' ? !/(^|,)\s*close\s*(,|$)/.test(connection) : /(^|,)\s*keep-alive\s*(,|$)/.test(connection);
    const coding = headers.get('transfer-encoding');
    const length = headers.get('content-length');
    if (coding !== undefined && (length !== undefined || coding.toLowerCase() !== 'chunked')) {
      return this.fail(400, 'Bad Request');
    }
    if (length !== undefined && !DECIMAL.test(length)) return this.fail(400, 'Bad Request');
    this.sink.head({ method: request[1]!, target: request[2]!, keepAlive, headers });
    if (coding !== undefined) this.state = State.ChunkSize;
    else if (length !== undefined && Number(length) > 0) {
      this.state = State.Length;
      this.remaining = Number(length);
    } else this.finish();
  }

  /** A line of chunked framing: a chunk size, the CRLF after a chunk's data, or a trailer. */
  private line(text: string): void {
    if (this.state === State.ChunkEnd) {
      if (text !== '') return this.fail(400, 'Bad Request');
      this.state = State.ChunkSize;
    } else if (this.state === State.Trailers) {
      if (text === '') this.finish();
      else if (!HEADER_LINE.test(text)) this.fail(400, 'Bad Request');
    } else {
      const size = CHUNK_SIZE.exec(text);
      if (!size) return this.fail(400, 'Bad Request');
      this.remaining = parseInt(size[1]!, 16);
      this.state = this.remaining === 0 ? State.Trailers : State.ChunkData;
    }
  }

  /** Ignores everything after this point (the connection is closing). */
  stop(): void {
    this.state = State.Failed;
    this.pending = undefined;
  }

  private finish(): void {
    this.state = State.Head;
    this.sink.end();
  }

  private fail(status: 400 | 431, reason: string): void {
    this.stop();
    this.sink.error(status, reason);
  }
}
