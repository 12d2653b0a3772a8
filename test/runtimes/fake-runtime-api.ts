// A throwaway stand-in for the Runtime API 2018-06-01, only for the runtime-client tests: it
// queues invocations, parks /next long polls, and records /response, /error and /init/error.
// Also starts a runtime client process the way the process executor does.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Posted {
  readonly kind: 'response' | 'error' | 'init-error';
  readonly requestId?: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
  readonly json: any; // parsed body, loosely typed for assertions
}

export interface InvokeOptions {
  readonly requestId?: string;
  readonly deadlineMs?: number;
  readonly functionArn?: string;
  readonly traceId?: string;
  readonly clientContext?: string;
  readonly cognitoIdentity?: string;
  readonly rawBody?: string;
}

interface Queued { readonly headers: Record<string, string>; readonly body: string }

const PREFIX = '/2018-06-01/runtime';

export class FakeRuntimeApi {
  address = '';
  readonly initErrors: Posted[] = [];
  readonly #queue: Queued[] = [];
  readonly #parked: ServerResponse[] = [];
  readonly #waiting = new Map<string, { resolve: (posted: Posted) => void; reject: (err: Error) => void }>();
  #initWaiter: { resolve: (posted: Posted) => void; reject: (err: Error) => void } | undefined;
  #gone: Error | undefined;
  readonly #server = createServer((req, res) => void this.#route(req, res));

  static async start(): Promise<FakeRuntimeApi> {
    const api = new FakeRuntimeApi();
    api.#server.listen(0, '127.0.0.1');
    await once(api.#server, 'listening');
    api.address = `127.0.0.1:${(api.#server.address() as AddressInfo).port}`;
    return api;
  }

  /** Queues one invocation; resolves with what the runtime posts for it. */
  invoke(event: unknown, options: InvokeOptions = {}): Promise<Posted> {
    const requestId = options.requestId ?? randomUUID();
    const headers: Record<string, string> = {
      'Content-Type': 'application/json',
      'Lambda-Runtime-Aws-Request-Id': requestId,
      'Lambda-Runtime-Deadline-Ms': String(options.deadlineMs ?? Date.now() + 30_000),
      'Lambda-Runtime-Invoked-Function-Arn': options.functionArn ?? 'arn:aws:lambda:us-east-1:000000000000:function:fn',
    };
    if (options.traceId) headers['Lambda-Runtime-Trace-Id'] = options.traceId;
    if (options.clientContext) headers['Lambda-Runtime-Client-Context'] = options.clientContext;
    if (options.cognitoIdentity) headers['Lambda-Runtime-Cognito-Identity'] = options.cognitoIdentity;
    if (this.#gone) return Promise.reject(this.#gone);
    const answered = new Promise<Posted>((resolve, reject) => this.#waiting.set(requestId, { resolve, reject }));
    this.#queue.push({ headers, body: options.rawBody ?? JSON.stringify(event) });
    this.#dispatch();
    return answered;
  }

  /** Resolves with the first /init/error post. */
  initError(): Promise<Posted> {
    const first = this.initErrors[0];
    if (first) return Promise.resolve(first);
    if (this.#gone) return Promise.reject(this.#gone);
    return new Promise((resolve, reject) => { this.#initWaiter = { resolve, reject }; });
  }

  /** The runtime process ended: nothing pending will be answered any more. */
  runtimeGone(err: Error): void {
    this.#gone = err;
    for (const waiter of this.#waiting.values()) waiter.reject(err);
    this.#waiting.clear();
    this.#initWaiter?.reject(err);
  }

  async close(): Promise<void> {
    this.#server.closeAllConnections();
    this.#server.close();
  }

  #dispatch(): void {
    while (this.#queue.length > 0 && this.#parked.length > 0) {
      const next = this.#queue.shift()!;
      this.#parked.shift()!.writeHead(200, next.headers).end(next.body);
    }
  }

  async #route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks).toString();
    const url = req.url ?? '';
    if (req.method === 'GET' && url === `${PREFIX}/invocation/next`) {
      this.#parked.push(res);
      this.#dispatch();
      return;
    }
    const match = /^\/2018-06-01\/runtime\/(?:invocation\/([^/]+)\/(response|error)|init\/error)$/.exec(url);
    if (req.method !== 'POST' || !match) {
      res.writeHead(404).end();
      return;
    }
    let json: unknown;
    try { json = JSON.parse(body); } catch { json = undefined; }
    if (match[1] === undefined) {
      const posted: Posted = { kind: 'init-error', headers: req.headers, body, json };
      this.initErrors.push(posted);
      this.#initWaiter?.resolve(posted);
    } else {
      const requestId = decodeURIComponent(match[1]);
      const posted: Posted = { kind: match[2] as 'response' | 'error', requestId, headers: req.headers, body, json };
      this.#waiting.get(requestId)?.resolve(posted);
      this.#waiting.delete(requestId);
    }
    res.writeHead(202, { 'Content-Type': 'application/json' }).end('{"status":"OK"}');
  }
}

export interface RuntimeProcess {
  readonly child: ChildProcess;
  readonly exited: Promise<number | null>;
  stdout(): string;
  stderr(): string;
  /** Stdout once it matches: what a runtime writes before posting may still be in the pipe. */
  stdoutMatching(pattern: RegExp, timeoutMs?: number): Promise<string>;
}

/** Starts a runtime client with the standard Lambda environment, as the process executor would. */
export function startRuntime(
  teardown: (fn: () => void) => void,
  command: string, args: readonly string[], api: FakeRuntimeApi, taskRoot: string, handler: string,
  extraEnv: Record<string, string> = {},
): RuntimeProcess {
  const env = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    LANG: 'C.UTF-8',
    AWS_LAMBDA_RUNTIME_API: api.address,
    _HANDLER: handler,
    LAMBDA_TASK_ROOT: taskRoot,
    AWS_LAMBDA_FUNCTION_NAME: 'fn',
    AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '256',
    AWS_LAMBDA_LOG_GROUP_NAME: '/aws/lambda/fn',
    AWS_LAMBDA_LOG_STREAM_NAME: '2024/01/01/[$LATEST]0123456789abcdef',
    AWS_REGION: 'us-east-1',
    ...extraEnv,
  };
  const child = spawn(command, [...args], { cwd: taskRoot, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout!.setEncoding('utf8').on('data', (d: string) => { out += d; });
  child.stderr!.setEncoding('utf8').on('data', (d: string) => { err += d; });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => {
    resolve(code);
    // Let the last post land before failing whatever still waits.
    setTimeout(() => api.runtimeGone(new Error(`runtime exited ${code}\nstdout: ${out}\nstderr: ${err}`)), 200);
  }));
  teardown(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });
  const stdoutMatching = async (pattern: RegExp, timeoutMs = 5_000): Promise<string> => {
    for (const until = Date.now() + timeoutMs; !pattern.test(out) && Date.now() < until;) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    return out;
  };
  return { child, exited, stdout: () => out, stderr: () => err, stdoutMatching };
}

/** Python for the Python client: the system one when present (faster start), else from PATH. */
export const python = existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';
