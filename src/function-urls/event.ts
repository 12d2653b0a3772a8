// An HTTP request to a function URL → the event the function receives: payload format version 2.0,
// as "Invoking Lambda function URLs" › "Request payload format" documents it
// (https://docs.aws.amazon.com/lambda/latest/dg/urls-invocation.html#urls-request-payload).

/** One request to a function URL, as the HTTP layer hands it over. */
export interface UrlRequest {
  readonly urlId: string;
  readonly method: string;
  /** The path after the URL's own part, as sent (not decoded); always starts with `/`. */
  readonly rawPath: string;
  /** Everything after `?`, as sent; empty when there is none. */
  readonly rawQueryString: string;
  /** Path and query exactly as the client sent them (what a SigV4 signature covers). */
  readonly signedUrl: string;
  /** Node's rawHeaders: name, value, name, value, ... */
  readonly rawHeaders: readonly string[];
  readonly body: Buffer;
  readonly sourceIp: string;
  /** e.g. `HTTP/1.1` */
  readonly protocol: string;
  /** `http` or `https`, and the port the request came in on, for the X-Forwarded-* headers AWS adds. */
  readonly scheme: string;
  readonly port: number;
  readonly requestId: string;
  readonly receivedAtMs: number;
}

/** requestContext.authorizer.iam of an AWS_IAM URL's event. */
export interface IamAuthorizer {
  readonly accessKey: string;
  readonly accountId: string;
  readonly callerId: string;
  readonly cognitoIdentity: null;
  readonly principalOrgId: null;
  readonly userArn: string;
  readonly userId: string;
}

export function headerMap(rawHeaders: readonly string[]): Map<string, string[]> {
  const map = new Map<string, string[]>();
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    const name = rawHeaders[i]!.toLowerCase();
    const values = map.get(name);
    if (values) values.push(rawHeaders[i + 1]!);
    else map.set(name, [rawHeaders[i + 1]!]);
  }
  return map;
}

// Hop-by-hop headers end at lambdalite, as they end at AWS's front end.
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'te', 'trailer', 'upgrade']);

/**
 * Whether AWS passes a body of this Content-Type as text. AWS does not publish its list; what it
 * is seen to do: text/*, JSON, XML and JavaScript arrive as text, anything else (form posts,
 * multipart, octet-stream, images, a body without Content-Type) arrives base64-encoded with
 * `isBase64Encoded: true` (LocalStack's AWS-recorded test_lambda_url_form_payload shows a
 * multipart body base64-encoded). A "text" body that is not valid UTF-8 is sent base64 too, so
 * its bytes arrive intact.
 */
export function isTextContentType(contentType: string | undefined): boolean {
  if (contentType === undefined) return false;
  const type = contentType.split(';')[0]!.trim().toLowerCase();
  return (
    type.startsWith('text/') ||
    ['application/json', 'application/javascript', 'application/xml', 'application/ecmascript'].includes(type) ||
    type.endsWith('+json') ||
    type.endsWith('+xml')
  );
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

function bodyOf(body: Buffer, contentType: string | undefined): { body?: string; isBase64Encoded: boolean } {
  if (body.length === 0) return { isBase64Encoded: false };
  if (isTextContentType(contentType)) {
    try {
      return { body: utf8.decode(body), isBase64Encoded: false };
    } catch {
      // not UTF-8 after all: fall through to base64
    }
  }
  return { body: body.toString('base64'), isBase64Encoded: true };
}

/** `12/Mar/2020:19:03:58 +0000`, the requestContext.time format. */
export function requestTime(ms: number): string {
  const d = new Date(ms);
  const month = d.toLocaleString('en-US', { month: 'short', timeZone: 'UTC' });
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${pad(d.getUTCDate())}/${month}/${d.getUTCFullYear()}:${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} +0000`;
}

/** Repeated keys are joined with commas; keys and values are decoded (`%2F` → `/`). */
function queryParameters(raw: string): Record<string, string> | undefined {
  if (raw === '') return undefined;
  const params: Record<string, string> = {};
  for (const [key, value] of new URLSearchParams(raw)) {
    params[key] = Object.hasOwn(params, key) ? `${params[key]},${value}` : value;
  }
  return params;
}

export interface EventContext {
  /** `anonymous` for an AUTH NONE URL, the caller's account for AWS_IAM. */
  readonly accountId: string;
  readonly authorizer: IamAuthorizer | undefined;
  readonly traceId: string;
}

export function buildEvent(req: UrlRequest, ctx: EventContext): Record<string, unknown> {
  const raw = headerMap(req.rawHeaders);
  const headers: Record<string, string> = {};
  for (const [name, values] of raw) {
    // The Cookie header becomes the `cookies` list instead.
    if (name === 'cookie' || HOP_BY_HOP.has(name)) continue;
    headers[name] = values.join(',');
  }
  // What AWS's front end adds on its way to the function.
  headers['x-amzn-trace-id'] = ctx.traceId;
  headers['x-forwarded-for'] = req.sourceIp;
  headers['x-forwarded-port'] = String(req.port);
  headers['x-forwarded-proto'] = req.scheme;
  const cookies = (raw.get('cookie') ?? [])
    .flatMap((c) => c.split(';'))
    .map((c) => c.trim())
    .filter((c) => c !== '');
  const query = queryParameters(req.rawQueryString);
  const host = raw.get('host')?.[0] ?? '';
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath: req.rawPath,
    rawQueryString: req.rawQueryString,
    ...(cookies.length > 0 && { cookies }),
    headers,
    ...(query && { queryStringParameters: query }),
    requestContext: {
      accountId: ctx.accountId,
      apiId: req.urlId,
      ...(ctx.authorizer && { authorizer: { iam: ctx.authorizer } }),
      domainName: host,
      domainPrefix: req.urlId,
      http: {
        method: req.method,
        path: req.rawPath,
        protocol: req.protocol,
        sourceIp: req.sourceIp,
        userAgent: raw.get('user-agent')?.join(',') ?? '',
      },
      requestId: req.requestId,
      routeKey: '$default',
      stage: '$default',
      time: requestTime(req.receivedAtMs),
      timeEpoch: req.receivedAtMs,
    },
    ...bodyOf(req.body, raw.get('content-type')?.[0]),
  };
}
