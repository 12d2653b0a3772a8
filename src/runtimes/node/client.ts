/**
 * lambdalite's Node.js runtime client: loads `_HANDLER` from `LAMBDA_TASK_ROOT` and serves the
 * Lambda Runtime API 2018-06-01 loop (GET /invocation/next → POST /{id}/response | /{id}/error,
 * POST /init/error when the handler can't be loaded). What a user can observe follows AWS's
 * Node.js runtime interface client (aws-lambda-nodejs-runtime-interface-client, 3.x line): error
 * types and bodies (with `trace`), callback vs. promise completion, callbackWaitsForEmptyEventLoop
 * driven by `beforeExit` (exact, not approximated), exit codes 129/128, and the log records.
 * Started as `node dist/runtimes/node/client.js` with the standard Lambda environment, or as a
 * zygote (LAMBDALITE_ZYGOTE=1, src/execution/zygote-pool.ts): booted ahead of time, it reads its
 * function's environment and working directory from file descriptor 3, then runs exactly as if
 * started with them.
 */
import { createReadStream, existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { format, types } from 'node:util';
import { RuntimeApiClient, type ApiRequest, type Reply } from './runtime-api-client.js';

type Callback = (err?: unknown, result?: unknown) => void;
type Handler = (event: unknown, context: Context, callback: Callback) => unknown;
interface Context {
  callbackWaitsForEmptyEventLoop: boolean;
  succeed(result?: unknown): void; fail(err?: unknown): void; done(err?: unknown, result?: unknown): void;
  functionName?: string; functionVersion?: string; memoryLimitInMB?: string; logGroupName?: string;
  logStreamName?: string; invokedFunctionArn?: string; awsRequestId: string; clientContext: unknown;
  identity: unknown; getRemainingTimeInMillis(): number;
}
interface ErrorBody { errorType: string; errorMessage: string; trace?: string[] }

const env = process.env;
// Set from AWS_LAMBDA_RUNTIME_API by main(), once a zygote has its function's environment.
let apiHost = '';
let apiPort = 0;
const BASE = '/2018-06-01/runtime';
// One keep-alive socket, as AWS's client; set up by main() (a zygote learns the address late).
let api: RuntimeApiClient;

// Runtime.* errors carry their name on the prototype so `stack` starts with it, as AWS's do.
function runtimeError(kind: string): new (message: string) => Error {
  const cls = class extends Error {};
  Object.defineProperty(cls.prototype, 'name', { value: `Runtime.${kind}`, writable: true, configurable: true });
  return cls;
}
const ImportModuleError = runtimeError('ImportModuleError');
const HandlerNotFound = runtimeError('HandlerNotFound');
const MalformedHandlerName = runtimeError('MalformedHandlerName');
const UserCodeSyntaxError = runtimeError('UserCodeSyntaxError');
const UnhandledPromiseRejection = runtimeError('UnhandledPromiseRejection');
const NodeJsExit = runtimeError('NodeJsExit');

// The invocation being (or last) served: `undefined` in init-phase log records, as on AWS.
let currentRequestId: string | undefined;
// In a container, output travels apart from the Runtime API: before each answer, a mark on stdout
// (where the container's stderr goes too) tells the server that the invocation's output is all in
// (src/execution/output-marks.ts).
let outputMarkToken: string | undefined;
function markOutput(requestId: string): void {
  if (outputMarkToken !== undefined) process.stdout.write(`\0${outputMarkToken} ${requestId}\0`);
}
let beforeExit: (() => void) | undefined;

// --- logging: one record per console call, `\n` → `\r` so a record stays one line (text format)
const LEVELS = ['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR', 'FATAL'];
function patchConsole(): void {
  const minimum = Math.max(0, LEVELS.indexOf((env.AWS_LAMBDA_LOG_LEVEL ?? '').toUpperCase()));
  const json = (env.AWS_LAMBDA_LOG_FORMAT ?? '').toUpperCase() === 'JSON';
  const make = (level: string) => LEVELS.indexOf(level) < minimum && level !== 'FATAL'
    ? () => {}
    : (message?: unknown, ...params: unknown[]) => {
      const time = new Date().toISOString();
      const line = json ? jsonRecord(time, level, message, params)
        : `${time}\t${currentRequestId}\t${level}\t${format(message, ...params)}`;
      process.stdout.write(line.replace(/\n/g, '\r') + '\n');
    };
  const target = console as unknown as Record<string, unknown>;
  for (const [method, level] of [['trace', 'TRACE'], ['debug', 'DEBUG'], ['info', 'INFO'],
    ['log', 'INFO'], ['warn', 'WARN'], ['error', 'ERROR'], ['fatal', 'FATAL']]) target[method] = make(level);
}
// AWS_LAMBDA_LOG_FORMAT=JSON (LoggingConfig.LogFormat): {timestamp, level, requestId, message}.
function jsonRecord(timestamp: string, level: string, message: unknown, params: unknown[]): string {
  const record: Record<string, unknown> = { timestamp, level, requestId: currentRequestId };
  if (params.length === 0) {
    try { return JSON.stringify({ ...record, message }, errorFields); } catch { /* fall through */ }
  }
  const error = [message, ...params].find((p) => p instanceof Error) as Error | undefined;
  return JSON.stringify({ ...record, message: format(message, ...params), ...(error && errorFields('', error) as object) });
}
function errorFields(_key: string, value: unknown): unknown {
  if (!(value instanceof Error)) return value;
  const stackTrace = typeof value.stack === 'string' ? value.stack.split('\n') : value.stack;
  return { errorType: value.constructor?.name ?? 'UnknownError', errorMessage: value.message, stackTrace, ...value };
}

// --- errors as the Runtime API receives them (`trace`, not `stackTrace`, from Node.js)
// An Error, or anything with non-empty string name, message and stack, counts as an error.
function toErrorBody(err: unknown): ErrorBody {
  try {
    const e = err as Partial<Error>;
    if (types.isNativeError(err) || (e && [e.name, e.message, e.stack].every((v) => typeof v === 'string' && v !== ''))) {
      return { errorType: e.name!, errorMessage: e.message!, trace: e.stack!.split('\n') };
    }
    return { errorType: typeof err, errorMessage: (err as { toString(): string }).toString(), trace: [] };
  } catch {
    return { errorType: 'handled', errorMessage: 'callback called with Error argument, but there was a problem while retrieving one or more of its message, name, and stack' };
  }
}
// The tab-prefixed JSON that AWS logs after "Invoke Error" / "Uncaught Exception".
function formatted(err: unknown): string {
  const expand = (_key: string, v: unknown): unknown => v instanceof Error
    ? { errorType: v.name, errorMessage: v.message, code: (v as { code?: unknown }).code, ...v,
      stack: typeof v.stack === 'string' ? v.stack.split('\n') : v.stack }
    : v;
  try { return '\t' + JSON.stringify(err, expand); } catch { return '\t' + JSON.stringify(toErrorBody(err)); }
}
// Header values must be latin-1 printable; an exotic err.name must not break the report.
const headerSafe = (v: string) => (/^[\t\x20-\x7e\x80-\xff]*$/.test(v) ? v : 'Unhandled');

// --- Runtime API over one keep-alive socket
const NEXT: ApiRequest = { method: 'GET', path: `${BASE}/invocation/next` };
function postRequest(path: string, body: string, errorType?: string): ApiRequest {
  const headers: Record<string, string> = { 'Content-Type': 'application/json' };
  if (errorType !== undefined) headers['Lambda-Runtime-Function-Error-Type'] = headerSafe(errorType);
  return { method: 'POST', path: BASE + path, body, headers };
}
function errorRequest(path: string, err: unknown): ApiRequest {
  const body = toErrorBody(err);
  return postRequest(path, JSON.stringify(body), body.errorType);
}
function die(err: unknown): never {
  process.stderr.write(`lambdalite node runtime: Runtime API failure: ${format(err)}\n`);
  process.exit(1);
}
// Uncaught exceptions and unhandled rejections end the process, as on AWS (129 and 128), after
// reporting against the current invocation, or /init/error before the first one. Own socket:
// the keep-alive one may be parked in a /next long poll.
function fatal(err: unknown, exitCode: number): void {
  const path = currentRequestId === undefined ? '/init/error' : `/invocation/${encodeURIComponent(currentRequestId)}/error`;
  setTimeout(() => process.exit(exitCode), 2000).unref();
  new RuntimeApiClient(apiHost, apiPort).request(errorRequest(path, err)).then(() => process.exit(exitCode), () => process.exit(exitCode));
}
const safeString = (v: unknown) => { try { return String(v); } catch { return Object.prototype.toString.call(v); } };

// --- loading the handler like AWS: `dir/module.path.to.fn`, module = basename up to its first dot
async function loadHandler(taskRoot: string, spec: string): Promise<Handler> {
  if (spec.includes('..')) {
    throw new MalformedHandlerName(`'${spec}' is not a valid handler name. Use absolute paths when specifying root directories in handler names.`);
  }
  const slash = spec.lastIndexOf('/');
  const moduleRoot = spec.slice(0, slash + 1);
  const file = spec.slice(slash + 1);
  const dot = file.indexOf('.');
  if (dot < 0) throw new MalformedHandlerName('Bad handler');
  let loaded: unknown;
  try {
    loaded = await loadModule(resolve(taskRoot, moduleRoot, file.slice(0, dot)), file.slice(0, dot), [taskRoot, moduleRoot]);
  } catch (err) {
    if (err instanceof SyntaxError) throw Object.assign(new UserCodeSyntaxError(String(err)), { stack: err.stack });
    if ((err as { code?: unknown } | null)?.code === 'MODULE_NOT_FOUND') throw new ImportModuleError(String(err));
    throw err;
  }
  const fn = file.slice(dot + 1).split('.')
    .reduce<unknown>((obj, key) => (obj as Record<string, unknown> | undefined)?.[key] ?? undefined, loaded);
  if (!fn) throw new HandlerNotFound(`${spec} is undefined or not exported`);
  if (typeof fn !== 'function') throw new HandlerNotFound(`${spec} is not a function`);
  return fn as Handler;
}
// Extensionless, then `.js` (CJS unless the nearest package.json says "type": "module"), `.mjs`,
// `.cjs`, then Node's own resolution (a package in node_modules) — AWS's order.
async function loadModule(base: string, name: string, paths: string[]): Promise<unknown> {
  const req = createRequire(import.meta.url);
  const esm = (path: string) => import(pathToFileURL(path).href);
  if (existsSync(base)) return req(base);
  const typeModule = isTypeModule(dirname(base));
  if (existsSync(base + '.js')) return typeModule ? esm(base + '.js') : req(base + '.js');
  if (existsSync(base + '.mjs')) return esm(base + '.mjs');
  if (existsSync(base + '.cjs')) return req(base + '.cjs');
  return req(req.resolve(name, { paths }));
}
function isTypeModule(folder: string): boolean {
  if (folder.endsWith('/node_modules')) return false;
  const manifest = join(folder, 'package.json');
  if (existsSync(manifest)) {
    try {
      return (JSON.parse(readFileSync(manifest, 'utf8')) as { type?: unknown } | null)?.type === 'module';
    } catch (err) {
      console.warn(`${manifest} cannot be read, it will be ignored for ES module detection purposes.`, err);
      return false;
    }
  }
  const parent = dirname(folder);
  return parent !== folder && isTypeModule(parent);
}

// --- the invoke loop
let staticContext: Pick<Context, 'functionName' | 'functionVersion' | 'memoryLimitInMB' | 'logGroupName' | 'logStreamName'>;
function parseHeader(value: string | undefined, name: string): unknown {
  if (value === undefined) return undefined;
  try { return JSON.parse(value); } catch (err) { throw new Error(`Cannot parse ${name} as json: ${String(err)}`); }
}

function poll(handler: Handler, isAsync: boolean): void {
  api.send([NEXT], (next) => run(handler, isAsync, next), die);
}

function run(handler: Handler, isAsync: boolean, next: Reply): void {
  if (next.status !== 200) die(`GET /invocation/next answered ${next.status}: ${next.body}`);
  invoke(handler, isAsync, next);
}

function invoke(handler: Handler, isAsync: boolean, next: Reply): void {
  const id = next.header('lambda-runtime-aws-request-id') ?? '';
  currentRequestId = id;
  const traceId = next.header('lambda-runtime-trace-id');
  if (traceId) env._X_AMZN_TRACE_ID = traceId; else delete env._X_AMZN_TRACE_ID;
  const path = `/invocation/${encodeURIComponent(id)}`;

  let answered = false;
  const answer = (failed: boolean, value: unknown): void => {
    if (answered) return;
    answered = true;
    beforeExit = undefined;
    let body = 'null';
    try {
      if (!failed) body = JSON.stringify(value === undefined ? null : value) ?? 'null';
    } catch {
      failed = true; // the 3.x client reports a plain Error with this message
      value = new Error('Unable to stringify response body');
    }
    if (failed) console.error('Invoke Error', formatted(value));
    markOutput(id);
    const sent = failed ? errorRequest(`${path}/error`, value) : postRequest(`${path}/response`, body);
    // The /next goes out right behind the answer (pipelined): one round trip per invoke.
    api.send([sent, NEXT], (next) => run(handler, isAsync, next), die);
  };

  // Only the first of callback / succeed / fail / done / promise settlement counts.
  let settled = false;
  const callback: Callback = (err, result) => {
    if (settled) return;
    settled = true;
    beforeExit = undefined;
    if (err !== undefined && err !== null) answer(true, err);
    else if (!context.callbackWaitsForEmptyEventLoop) answer(false, result);
    else beforeExit = () => setImmediate(() => answer(false, result));
  };
  const finish = (err: unknown, result?: unknown): void => {
    if (settled) return;
    settled = true;
    if (err !== undefined && err !== null) answer(true, err); else answer(false, result);
  };
  const succeed = (result: unknown) => finish(null, result);
  const fail = (err: unknown) => finish(err === undefined || err === null ? 'handled' : err);
  const deadlineMs = Number(next.header('lambda-runtime-deadline-ms'));
  const context: Context = {
    callbackWaitsForEmptyEventLoop: true,
    succeed, fail, done: finish,
    ...staticContext,
    invokedFunctionArn: next.header('lambda-runtime-invoked-function-arn'),
    awsRequestId: id,
    clientContext: undefined, identity: undefined,
    getRemainingTimeInMillis: () => deadlineMs - Date.now(),
  };
  // The event loop ran dry without an answer: an async handler left a promise unsettled
  // (Runtime.NodeJsExit); a sync one simply returned, which AWS answers with null.
  beforeExit = () => (isAsync ? answer(true, new NodeJsExit(
    'The Lambda runtime client detected an unexpected Node.js exit code. This is most commonly caused by a Promise that was never settled. For more information, see https://nodejs.org/docs/latest/api/process.html#exit-codes',
  )) : answer(false, null));
  try {
    context.clientContext = parseHeader(next.header('lambda-runtime-client-context'), 'ClientContext');
    context.identity = parseHeader(next.header('lambda-runtime-cognito-identity'), 'CognitoIdentity');
    const result = handler(JSON.parse(next.body), context, callback);
    if (result && typeof (result as PromiseLike<unknown>).then === 'function') {
      (result as PromiseLike<unknown>).then(succeed, fail);
    }
  } catch (err) {
    callback(err);
  }
}

// A zygote's assignment: the whole environment (nothing of the boot one stays) and the cwd. The
// pipe closing without one means the server is gone: exit quietly.
async function becomeAssigned(): Promise<void> {
  const chunks: Buffer[] = [];
  for await (const chunk of createReadStream('', { fd: 3 })) chunks.push(chunk as Buffer);
  let assignment: { env: Record<string, string>; cwd: string };
  try {
    assignment = JSON.parse(Buffer.concat(chunks).toString()) as typeof assignment;
  } catch {
    process.exit(0);
  }
  for (const key of Object.keys(env)) if (!(key in assignment.env)) delete env[key];
  Object.assign(env, assignment.env);
  process.chdir(assignment.cwd);
}

async function main(): Promise<void> {
  if (env.LAMBDALITE_ZYGOTE === '1') await becomeAssigned();
  outputMarkToken = env.LAMBDALITE_OUTPUT_MARK;
  delete env.LAMBDALITE_OUTPUT_MARK;
  const address = env.AWS_LAMBDA_RUNTIME_API ?? '127.0.0.1:9001';
  apiHost = address.slice(0, address.lastIndexOf(':')).replace(/^\[|\]$/g, '');
  apiPort = Number(address.slice(address.lastIndexOf(':') + 1));
  api = new RuntimeApiClient(apiHost, apiPort);
  staticContext = {
    functionName: env.AWS_LAMBDA_FUNCTION_NAME, functionVersion: env.AWS_LAMBDA_FUNCTION_VERSION,
    memoryLimitInMB: env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE, // a string, as on AWS
    logGroupName: env.AWS_LAMBDA_LOG_GROUP_NAME, logStreamName: env.AWS_LAMBDA_LOG_STREAM_NAME,
  };
  patchConsole();
  process.on('uncaughtException', (err) => {
    console.error('Uncaught Exception', formatted(err));
    fatal(err, 129);
  });
  process.on('unhandledRejection', (reason) => {
    const err = new UnhandledPromiseRejection(safeString(reason));
    console.error('Unhandled Promise Rejection', formatted(err));
    fatal(err, 128);
  });
  process.on('beforeExit', () => {
    const run = beforeExit;
    beforeExit = undefined; // each listener answers at most once; the answer re-arms the loop
    run?.();
  });
  const taskRoot = env.LAMBDA_TASK_ROOT ?? process.cwd();
  let handler: Handler;
  try {
    handler = await loadHandler(taskRoot, env._HANDLER ?? '');
  } catch (err) {
    // As on AWS, a load failure is an uncaught exception of the init phase: logged, posted
    // to /init/error, exit 129.
    console.error('Uncaught Exception', formatted(err));
    return fatal(err, 129);
  }
  poll(handler, handler.constructor?.name === 'AsyncFunction');
}

void main();
