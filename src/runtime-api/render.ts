// How the Runtime API answers: JSON bodies shaped like the AWS Lambda Runtime Interface Emulator's
// `rapi/rendering` package ({"errorMessage","errorType"} for errors, {"status":"OK"} on 202).
import type { Exchange } from './exchange.js';

/** Lambda's maximum synchronous response payload: 6 MB (https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html). */
export const MAX_RESPONSE_BYTES = 6_291_456;

export interface Refusal {
  readonly status: number;
  readonly errorType: string;
  readonly errorMessage: string;
}

/** Every refusal the Runtime API can give, with the RIE's status codes and texts. */
export const REFUSALS = {
  invalidRequestId: { status: 400, errorType: 'InvalidRequestID', errorMessage: 'Invalid request ID' },
  tooLarge: {
    status: 413,
    errorType: 'RequestEntityTooLarge',
    errorMessage: `Exceeded maximum allowed payload size (${MAX_RESPONSE_BYTES} bytes).`,
  },
  truncated: { status: 400, errorType: 'TruncatedHTTPRequest', errorMessage: 'HTTP request detected as truncated' },
  notFound: { status: 404, errorType: 'NotFound', errorMessage: 'Not Found' },
  methodNotAllowed: { status: 405, errorType: 'MethodNotAllowed', errorMessage: 'Method Not Allowed' },
} as const satisfies Record<string, Refusal>;

/** The RIE's 403 for a Runtime API call the runtime's current state does not allow. */
export function invalidStateTransition(from: string, to: string): Refusal {
  return {
    status: 403,
    errorType: 'InvalidStateTransition',
    errorMessage: `State transition from ${from} to ${to} failed for runtime. Error: State transition is not allowed`,
  };
}

const JSON_TYPE = { 'Content-Type': 'application/json' } as const;

export function sendJson(exchange: Exchange, status: number, body: unknown): void {
  exchange.respond(status, JSON_TYPE, JSON.stringify(body) + '\n');
}

export function sendRefusal(exchange: Exchange, refusal: Refusal): void {
  sendJson(exchange, refusal.status, { errorMessage: refusal.errorMessage, errorType: refusal.errorType });
}

export function sendAccepted(exchange: Exchange): void {
  sendJson(exchange, 202, { status: 'OK' });
}
