// Synchronous Invoke: resolve the qualifier (weighted alias pick), take a concurrency lease, run the
// invocation on a warm or new environment, then record it and answer as AWS does.
import { randomBytes, randomUUID } from 'node:crypto';
import { AwsError, validationError } from '../errors.js';
import type { Arns, FunctionRef } from '../functions/arn.js';
import type { CodeStore } from '../functions/code-store.js';
import type { FunctionService } from '../functions/function-service.js';
import type { FunctionVersion } from '../functions/model.js';
import type { EnvironmentSpec, InvocationRequest, InvocationResult } from '../execution/types.js';
import { billedDurationMs, endLine, logTail, reportLine, startLine } from '../metering/report.js';
import type { RuntimeSupport } from '../execution/executor.js';
import type { ConcurrencyLeases } from './concurrency-leases.js';
import type { RecordWriter } from './records.js';
import { pickVersion } from './weighted-routing.js';

/** What the invoke path needs of the execution layer. */
export interface InvocationEngine {
  invoke(spec: EnvironmentSpec, req: InvocationRequest): Promise<InvocationResult>;
  support(runtime: string): RuntimeSupport;
}

export type InvocationType = 'RequestResponse' | 'Event' | 'DryRun';

export interface InvokeInput {
  readonly ref: FunctionRef;
  readonly invocationType: string | undefined;
  readonly logType: string | undefined;
  readonly clientContext: string | undefined;
  readonly payload: Buffer;
}

export interface InvokeOutput {
  readonly statusCode: 200 | 202 | 204;
  readonly executedVersion: string;
  readonly payload: Buffer | undefined;
  readonly functionError: 'Unhandled' | undefined;
  readonly logResult: string | undefined;
}

// "Invoke" in the API reference: ClientContext is up to 3583 bytes of base64-encoded JSON.
const MAX_CLIENT_CONTEXT_BYTES = 3583;

export class InvokeService {
  constructor(
    private readonly functions: FunctionService,
    private readonly code: CodeStore,
    private readonly arns: Arns,
    private readonly leases: ConcurrencyLeases,
    private readonly engine: InvocationEngine,
    private readonly records: RecordWriter,
    private readonly region: string,
  ) {}

  async invoke(input: InvokeInput): Promise<InvokeOutput> {
    const type = checkInvocationType(input.invocationType);
    const logType = input.logType ?? 'None';
    if (logType !== 'None' && logType !== 'Tail') {
      throw validationError(logType, 'logType', 'Member must satisfy enum value set: [Tail, None]');
    }
    const clientContext = decodeClientContext(input.clientContext);
    checkJson(input.payload);
    const version = this.functions.resolve(input.ref, (a) => pickVersion(a.functionVersion, a.additionalVersionWeights));
    if (type === 'DryRun') return { statusCode: 204, executedVersion: version.version, payload: undefined, functionError: undefined, logResult: undefined };
    if (type === 'Event') {
      throw new AwsError('UnsupportedOperationException', 'lambdalite does not run Event (asynchronous) invocations yet; use RequestResponse.');
    }
    const runtime = version.config.runtime ?? '';
    const support = this.engine.support(runtime);
    if (!support.ok) throw new AwsError('InvalidRuntimeException', support.reason);

    const fn = this.functions.requireFunction(input.ref.name);
    const release = this.leases.acquire(fn.name, fn.reservedConcurrency);
    const requestId = randomUUID();
    const startedAtMs = Date.now();
    let result: InvocationResult;
    try {
      result = await this.engine.invoke(this.spec(version), {
        requestId,
        payload: input.payload.length === 0 ? Buffer.from('{}') : input.payload,
        invokedFunctionArn: this.arns.function(fn.name, input.ref.qualifier),
        clientContext,
        traceId: traceId(),
      });
    } finally {
      release();
    }
    const logLines = this.record(version, requestId, startedAtMs, result);
    return {
      statusCode: 200,
      executedVersion: version.version,
      payload: result.payload,
      functionError: result.outcome === 'success' ? undefined : 'Unhandled',
      logResult: logType === 'Tail' ? logTail(logLines) : undefined,
    };
  }

  private spec(v: FunctionVersion): EnvironmentSpec {
    return {
      functionName: v.functionName,
      version: v.version,
      functionArn: this.arns.function(v.functionName),
      runtime: v.config.runtime ?? '',
      handler: v.config.handler ?? '',
      codeDir: this.code.codeDir(v.codeSha256Hex),
      memoryMb: v.config.memoryMb,
      timeoutSeconds: v.config.timeoutSeconds,
      ephemeralStorageMb: v.config.ephemeralStorageMb,
      environment: v.config.environment,
      region: this.region,
      logGroupName: logGroupOf(v),
    };
  }

  /** Queues the invocation record and its log lines; returns the lines of its log, START to REPORT. */
  private record(v: FunctionVersion, requestId: string, startedAtMs: number, r: InvocationResult): string[] {
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
    const endMs = startedAtMs + Math.ceil(r.durationMs);
    const logGroup = logGroupOf(v);
    const stamp = (i: number) => (i === 0 ? startedAtMs : i < lines.length - 2 ? r.logLines[i - 1]!.timeMs : endMs);
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
  return `Root=1-${epoch}-${randomBytes(12).toString('hex')};Parent=${randomBytes(8).toString('hex')};Sampled=0`;
}
