// Invoke: resolve the qualifier (weighted alias pick), take a concurrency lease, run the
// invocation on a warm or new environment, then record it and answer as AWS does. An Event
// invocation is queued durably instead (src/events/) and run later through the same `run`.
import { randomBytes } from 'node:crypto';
import { AwsError, validationError } from '../errors.js';
import type { Arns, FunctionRef } from '../functions/arn.js';
import type { CodeStore } from '../functions/code-store.js';
import type { FunctionService } from '../functions/function-service.js';
import { imageSpecOf } from '../functions/image.js';
import type { FunctionVersion } from '../functions/model.js';
import type { EnvironmentSpec, InvocationRequest, InvocationResult, RuntimeTarget } from '../execution/types.js';
import { billedDurationMs, endLine, logTail, reportLine, startLine } from '../metering/report.js';
import type { RuntimeSupport } from '../execution/executor.js';
import { MAX_ASYNC_PAYLOAD_BYTES, type EventQueue } from '../events/event-queue.js';
import type { ConcurrencyLeases } from './concurrency-leases.js';
import type { RecordWriter } from './records.js';
import { pickVersion } from './weighted-routing.js';

/** What the invoke path needs of the execution layer. */
export interface InvocationEngine {
  invoke(spec: EnvironmentSpec, req: InvocationRequest): Promise<InvocationResult>;
  support(target: RuntimeTarget): RuntimeSupport;
}

export type InvocationType = 'RequestResponse' | 'Event' | 'DryRun';

export interface InvokeInput {
  readonly ref: FunctionRef;
  readonly invocationType: string | undefined;
  readonly logType: string | undefined;
  readonly clientContext: string | undefined;
  readonly payload: Buffer;
  /** The API request's id (x-amzn-RequestId): the invocation's own, as the function sees it (awsRequestId). */
  readonly requestId: string;
}

/** One invocation of a resolved version (see InvokeService.run). */
export interface RunRequest {
  readonly version: FunctionVersion;
  /** The ARN the caller used, qualifier included when there was one. */
  readonly invokedFunctionArn: string;
  readonly requestId: string;
  readonly payload: Buffer;
  /** Decoded X-Amz-Client-Context JSON. */
  readonly clientContext: string | undefined;
}

export interface RunOutcome {
  readonly result: InvocationResult;
  /** The invocation's log, START to REPORT. */
  readonly logLines: string[];
}

export interface InvokeOutput {
  readonly statusCode: 200 | 202 | 204;
  /** Absent for Event invocations, which answer before any version runs. */
  readonly executedVersion: string | undefined;
  readonly payload: Buffer | undefined;
  readonly functionError: 'Unhandled' | undefined;
  readonly logResult: string | undefined;
}

// "Invoke" in the API reference: ClientContext is up to 3583 bytes of base64-encoded JSON.
const MAX_CLIENT_CONTEXT_BYTES = 3583;

export class InvokeService {
  private readonly specs = new WeakMap<FunctionVersion, EnvironmentSpec>();

  constructor(
    private readonly functions: FunctionService,
    private readonly code: CodeStore,
    private readonly arns: Arns,
    private readonly leases: ConcurrencyLeases,
    private readonly engine: InvocationEngine,
    private readonly records: RecordWriter,
    private readonly region: string,
    private readonly events: Pick<EventQueue, 'acceptSoon'>,
  ) {}

  async invoke(input: InvokeInput): Promise<InvokeOutput> {
    const type = checkInvocationType(input.invocationType);
    const logType = input.logType ?? 'None';
    if (logType !== 'None' && logType !== 'Tail') {
      throw validationError(logType, 'logType', 'Member must satisfy enum value set: [Tail, None]');
    }
    if (type === 'Event' && input.payload.length > MAX_ASYNC_PAYLOAD_BYTES) {
      throw new AwsError('RequestTooLargeException', `Request must be smaller than ${MAX_ASYNC_PAYLOAD_BYTES} bytes for the InvokeFunction operation`);
    }
    const clientContext = decodeClientContext(input.clientContext);
    checkJson(input.payload);
    const version = this.functions.resolve(input.ref, (a) => pickVersion(a.functionVersion, a.additionalVersionWeights));
    if (type === 'DryRun') return { statusCode: 204, executedVersion: version.version, payload: undefined, functionError: undefined, logResult: undefined };
    if (type === 'Event') {
      // The version is picked when the event runs (an alias may route elsewhere by then); here
      // the function and qualifier only have to exist. The event keeps the caller's request id.
      await this.events.acceptSoon({
        requestId: input.requestId,
        functionName: version.functionName,
        qualifier: input.ref.qualifier,
        payload: input.payload.length === 0 ? Buffer.from('{}') : input.payload,
        clientContext,
      });
      return { statusCode: 202, executedVersion: undefined, payload: undefined, functionError: undefined, logResult: undefined };
    }
    const { result, logLines } = await this.run({
      version,
      invokedFunctionArn: this.arns.function(version.functionName, input.ref.qualifier),
      requestId: input.requestId,
      payload: input.payload.length === 0 ? Buffer.from('{}') : input.payload,
      clientContext,
    });
    return {
      statusCode: 200,
      executedVersion: version.version,
      payload: result.payload,
      functionError: result.outcome === 'success' ? undefined : 'Unhandled',
      logResult: logType === 'Tail' ? logTail(logLines) : undefined,
    };
  }

  /**
   * Runs one invocation of a resolved version: a concurrency lease (TooManyRequestsException when
   * none is left), a warm or new environment, then the record and log lines. The synchronous path
   * and the async workers both come through here.
   */
  async run(req: RunRequest): Promise<RunOutcome> {
    const version = req.version;
    const spec = this.spec(version);
    const support = this.engine.support(spec);
    if (!support.ok) throw new AwsError('InvalidRuntimeException', support.reason);

    const fn = this.functions.requireFunction(version.functionName);
    const release = this.leases.acquire(fn.name, fn.reservedConcurrency);
    const startedAtMs = Date.now();
    let result: InvocationResult;
    try {
      result = await this.engine.invoke(spec, {
        requestId: req.requestId,
        payload: req.payload,
        invokedFunctionArn: req.invokedFunctionArn,
        clientContext: req.clientContext,
        traceId: traceId(),
      });
    } finally {
      release();
    }
    const logLines = this.record(version, req.requestId, startedAtMs, Date.now(), result);
    return { result, logLines };
  }

  /**
   * The execution spec of a version (also what provisioned concurrency starts environments of). A
   * container-image function brings its runtime and code in its image: no runtime, no code folder,
   * and no layers (AWS refuses layers for images).
   */
  spec(v: FunctionVersion): EnvironmentSpec {
    // One spec object per version object (the repository hands out the same one until a write),
    // so the engine finds its pool by identity instead of comparing the spec's contents.
    let spec = this.specs.get(v);
    if (!spec) this.specs.set(v, (spec = this.buildSpec(v)));
    return spec;
  }

  private buildSpec(v: FunctionVersion): EnvironmentSpec {
    const image = imageSpecOf(v);
    return {
      functionName: v.functionName,
      version: v.version,
      functionArn: this.arns.function(v.functionName),
      runtime: v.config.runtime ?? '',
      handler: v.config.handler ?? '',
      codeDir: image ? '' : this.code.codeDir(v.codeSha256Hex),
      ...(image && { image }),
      optDir: this.functions.optDirFor(v),
      memoryMb: v.config.memoryMb,
      timeoutSeconds: v.config.timeoutSeconds,
      ephemeralStorageMb: v.config.ephemeralStorageMb,
      environment: v.config.environment,
      region: this.region,
      logGroupName: logGroupOf(v),
    };
  }

  /** Queues the invocation record and its log lines; returns the lines of its log, START to REPORT. */
  private record(v: FunctionVersion, requestId: string, startedAtMs: number, endedAtMs: number, r: InvocationResult): string[] {
    const lines = [
      startLine(requestId, v.version),
      ...r.logLines.map((l) => l.line),
      endLine(requestId),
      reportLine({
        requestId,
        version: v.version,
        durationMs: r.durationMs,
        memoryMb: v.config.memoryMb,
        maxMemoryUsedMb: r.maxMemoryUsedMb,
        initDurationMs: r.initDurationMs,
      }),
    ];
    // END and REPORT are stamped when the invocation ended: start + duration would put them before
    // the lines of a cold start, whose duration leaves out the init phase.
    const logGroup = logGroupOf(v);
    const stamp = (i: number) => (i === 0 ? startedAtMs : i < lines.length - 2 ? r.logLines[i - 1]!.timeMs : endedAtMs);
    this.records.add(
      {
        requestId,
        functionName: v.functionName,
        version: v.version,
        startedAtMs,
        durationMs: r.durationMs,
        billedMs: billedDurationMs(r.durationMs),
        memoryMb: v.config.memoryMb,
        maxMemoryUsedMb: r.maxMemoryUsedMb,
        initDurationMs: r.initDurationMs,
        outcome: r.outcome,
      },
      lines.map((message, i) => ({ logGroup, logStream: r.logStreamName, timestampMs: stamp(i), message })),
    );
    return lines;
  }
}

const logGroupOf = (v: FunctionVersion) => v.config.logGroup ?? `/aws/lambda/${v.functionName}`;

function checkInvocationType(raw: string | undefined): InvocationType {
  const type = raw ?? 'RequestResponse';
  if (type !== 'RequestResponse' && type !== 'Event' && type !== 'DryRun') {
    throw validationError(type, 'invocationType', 'Member must satisfy enum value set: [Event, RequestResponse, DryRun]');
  }
  return type;
}

function decodeClientContext(raw: string | undefined): string | undefined {
  if (raw === undefined || raw === '') return undefined;
  const bad = () => new AwsError('InvalidRequestContentException', 'Client context must be a valid Base64-encoded JSON object.');
  if (raw.length > MAX_CLIENT_CONTEXT_BYTES || !/^[A-Za-z0-9+/]*={0,2}$/.test(raw)) throw bad();
  const text = Buffer.from(raw, 'base64').toString('utf8');
  try {
    const parsed = JSON.parse(text) as unknown;
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw bad();
  } catch {
    throw bad();
  }
  return text;
}

/** AWS refuses a payload that is not JSON before running anything. */
function checkJson(payload: Buffer): void {
  if (payload.length === 0) return;
  try {
    JSON.parse(payload.toString('utf8'));
  } catch (err) {
    throw new AwsError('InvalidRequestContentException', `Could not parse request body into json: ${(err as Error).message}`);
  }
}

/** An X-Ray trace header as Lambda passes it: Root=1-<epoch hex>-<24 hex>;Parent=<16 hex>;Sampled=0 */
function traceId(): string {
  const epoch = Math.floor(Date.now() / 1000).toString(16);
  return `Root=1-${epoch}-${randomHex(12)};Parent=${randomHex(8)};Sampled=0`;
}

// Random bytes drawn from a pool refilled 4 KiB at a time: one OpenSSL call per ~200 invokes
// instead of two per invoke (the same idea as Node's own buffered randomUUID).
const RANDOM_POOL_BYTES = 4096;
let randomPool = Buffer.alloc(0);
let randomOffset = 0;
function randomHex(bytes: number): string {
  if (randomOffset + bytes > randomPool.length) {
    randomPool = randomBytes(RANDOM_POOL_BYTES);
    randomOffset = 0;
  }
  randomOffset += bytes;
  return randomPool.toString('hex', randomOffset - bytes, randomOffset);
}
