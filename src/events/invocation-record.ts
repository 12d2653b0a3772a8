// What an async event's outcome sends on: the invocation record for destinations and the message
// for a dead-letter queue, in AWS's formats ("Capturing records of Lambda asynchronous
// invocations" in the Lambda developer guide; field by field as LocalStack's AWS-recorded
// test_lambda_destinations snapshots show them).
import type { LastResponse } from './queue-repository.js';
import type { Condition } from './retry-policy.js';

export interface InvocationRecord {
  readonly version: '1.0';
  readonly timestamp: string;
  readonly requestContext: {
    readonly requestId: string;
    readonly functionArn: string;
    readonly condition: Condition;
    readonly approximateInvokeCount: number;
  };
  readonly requestPayload: unknown;
  readonly responseContext?: {
    readonly statusCode: number;
    readonly executedVersion: string;
    readonly functionError?: string;
  };
  readonly responsePayload?: unknown;
}

export interface RecordInput {
  readonly requestId: string;
  /** The qualified ARN of the version that ran (`...:function:name:$LATEST`). */
  readonly functionArn: string;
  readonly condition: Condition;
  readonly approximateInvokeCount: number;
  readonly requestPayload: Buffer;
  /** The last run's response; none when the function never ran (throttled until too old). */
  readonly response: LastResponse | undefined;
  readonly nowMs: number;
}

/** A payload as the record carries it: parsed JSON, or the text itself when it is not JSON. */
function asJson(text: string): unknown {
  if (text === '') return null;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

export function invocationRecord(r: RecordInput): InvocationRecord {
  const response = r.response;
  return {
    version: '1.0',
    timestamp: new Date(r.nowMs).toISOString(),
    requestContext: {
      requestId: r.requestId,
      functionArn: r.functionArn,
      condition: r.condition,
      approximateInvokeCount: r.approximateInvokeCount,
    },
    requestPayload: asJson(r.requestPayload.toString('utf8')),
    ...(response && {
      responseContext: {
        statusCode: response.statusCode,
        executedVersion: response.executedVersion,
        ...(response.functionError !== undefined && { functionError: response.functionError }),
      },
      responsePayload: asJson(response.payload),
    }),
  };
}

/** EventBridge's detail-type for a record sent to an event bus. */
export const detailType = (condition: Condition) =>
  condition === 'Success' ? 'Lambda Function Invocation Result - Success' : 'Lambda Function Invocation Result - Failure';

export interface DeadLetter {
  /** The original event, unchanged. */
  readonly body: string;
  readonly requestId: string;
  /** A 3-digit HTTP status code (sent as a Number attribute). */
  readonly errorCode: number;
  /** Truncated to 1 KB. */
  readonly errorMessage: string;
}

const ERROR_MESSAGE_MAX_BYTES = 1024;

/**
 * The dead-letter message: "The payload written to the DLQ target ARN is the original event payload
 * with no modifications to the message body", with the message attributes RequestID (String),
 * ErrorCode (Number, 3-digit HTTP error code) and ErrorMessage (String, truncated to 1 KB).
 */
export function deadLetter(requestId: string, payload: Buffer, condition: Condition, response: LastResponse | undefined): DeadLetter {
  let message: string;
  if (response) {
    const parsed = asJson(response.payload) as { errorMessage?: unknown } | null;
    message = typeof parsed?.errorMessage === 'string' ? parsed.errorMessage : response.payload;
  } else {
    message = condition === 'ZeroReservedConcurrency' ? 'Rate Exceeded. (reserved concurrency is 0)' : 'Rate Exceeded.';
  }
  return {
    body: payload.toString('utf8'),
    requestId,
    errorCode: response ? response.statusCode : 429,
    errorMessage: truncateUtf8(message, ERROR_MESSAGE_MAX_BYTES),
  };
}

function truncateUtf8(text: string, maxBytes: number): string {
  const buf = Buffer.from(text, 'utf8');
  if (buf.length <= maxBytes) return text;
  // Drop a character cut in half at the end.
  return buf.subarray(0, maxBytes).toString('utf8').replace(/\uFFFD$/, '');
}
