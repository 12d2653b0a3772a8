// A function's result → the HTTP response of its URL, as "Invoking Lambda function URLs" ›
// "Response payload format" documents it
// (https://docs.aws.amazon.com/lambda/latest/dg/urls-invocation.html#urls-response-payload), and
// the answers AWS's front end gives when the function cannot answer.
import type { AwsError, ErrorName } from '../errors.js';

export interface UrlResponse {
  readonly statusCode: number;
  /** Name/value pairs; a name may repeat (Set-Cookie). */
  readonly headers: [string, string][];
  readonly body: Buffer;
}

const json = (statusCode: number, body: string, errorType?: string): UrlResponse => ({
  statusCode,
  headers: [['content-type', 'application/json'], ...(errorType ? [['x-amzn-errortype', errorType] as [string, string]] : [])],
  body: Buffer.from(body),
});

/** No URL by that id: LocalStack's AWS-validated test_lambda_url_non_existing_url. */
export const unknownUrl = (): UrlResponse => json(403, '{"Message":null}', 'AccessDeniedException');

/**
 * An AWS_IAM URL without a valid signature, in AWS's current words (LocalStack's AWS-recorded
 * test_lambda_url_persists_after_alias_delete; older answers said just `Forbidden`).
 */
export const forbidden = (): UrlResponse =>
  json(
    403,
    JSON.stringify({
      Message: 'Forbidden. For troubleshooting Function URL authorization issues, see: https://docs.aws.amazon.com/lambda/latest/dg/urls-auth.html',
    }),
    'AccessDeniedException',
  );

/** The function failed, or its result is not a response: LocalStack's AWS-validated test_lambda_url_invocation_exception. */
export const badGateway = (): UrlResponse => json(502, 'Internal Server Error');

// The answers to an invoke refused before the function ran; any other refusal is a 502. The 429
// body's wording is not from a recording: clients act on the status and x-amzn-ErrorType.
const REFUSALS: Partial<Record<ErrorName, (err: AwsError) => UrlResponse>> = {
  TooManyRequestsException: (err) => {
    const res = json(429, JSON.stringify({ Message: 'Rate Exceeded.' }), err.type);
    return { ...res, headers: [...res.headers, ...Object.entries(err.headers)] };
  },
  RequestTooLargeException: (err) => json(413, JSON.stringify({ Message: err.message }), err.type),
};

export function invokeRefused(err: AwsError): UrlResponse {
  return REFUSALS[err.type]?.(err) ?? badGateway();
}

// Framing is lambdalite's to set, whatever the function says.
const FRAMING = new Set(['content-length', 'transfer-encoding', 'connection']);
// What HTTP allows in a header name and value (RFC 9110 token, field-value); others are dropped.
const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const BAD_VALUE = /[^\t\x20-\x7e\x80-\xff]/;

function statusOf(value: unknown): number | undefined {
  const n = typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value;
  return typeof n === 'number' && Number.isInteger(n) && n >= 100 && n <= 599 ? n : undefined;
}

/**
 * A result that is an object with `statusCode` is a response (`statusCode`, `headers`, `cookies`,
 * `body`, `isBase64Encoded`); any other JSON value is the body of a 200 `application/json`
 * response — a string as it is, anything else as compact JSON (LocalStack's AWS-recorded
 * test_lambda_url_invocation: `"hello"` → `hello`, `{"hello": "world"}` → `{"hello":"world"}`).
 */
export function fromFunctionResult(payload: Buffer | undefined, functionError: string | undefined): UrlResponse {
  if (functionError !== undefined || payload === undefined) return badGateway();
  let result: unknown;
  try {
    result = JSON.parse(payload.toString('utf8'));
  } catch {
    return badGateway();
  }
  if (typeof result !== 'object' || result === null || Array.isArray(result) || !('statusCode' in result)) {
    const body = typeof result === 'string' ? result : JSON.stringify(result);
    return { statusCode: 200, headers: [['content-type', 'application/json']], body: Buffer.from(body) };
  }
  const r = result as { statusCode: unknown; headers?: unknown; cookies?: unknown; body?: unknown; isBase64Encoded?: unknown };
  const statusCode = statusOf(r.statusCode);
  if (statusCode === undefined) return badGateway();
  const headers: [string, string][] = [];
  if (typeof r.headers === 'object' && r.headers !== null) {
    for (const [name, value] of Object.entries(r.headers)) {
      if (FRAMING.has(name.toLowerCase()) || !TOKEN.test(name)) continue;
      if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') continue;
      if (!BAD_VALUE.test(String(value))) headers.push([name, String(value)]);
    }
  }
  if (!headers.some(([name]) => name.toLowerCase() === 'content-type')) headers.push(['content-type', 'application/json']);
  if (Array.isArray(r.cookies)) {
    for (const cookie of r.cookies) if (typeof cookie === 'string' && !BAD_VALUE.test(cookie)) headers.push(['set-cookie', cookie]);
  }
  let body: Buffer;
  if (r.body === undefined || r.body === null) body = Buffer.alloc(0);
  else if (typeof r.body === 'string') body = r.isBase64Encoded === true ? Buffer.from(r.body, 'base64') : Buffer.from(r.body);
  else body = Buffer.from(JSON.stringify(r.body));
  return { statusCode, headers, body };
}
