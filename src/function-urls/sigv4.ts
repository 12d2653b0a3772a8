// Checks the Signature Version 4 of a request to an AWS_IAM function URL: made with lambdalite's
// configured credentials, for service `lambda` in the server's region, dated within 5 minutes
// (https://docs.aws.amazon.com/IAM/latest/UserGuide/create-signed-request.html). The request is
// signed again with the AWS SDK's own signer and the two signatures are compared in constant time,
// so the canonical form is exactly the one the SDKs produce.
import { Sha256 } from '@smithy/core/checksum';
import { SignatureV4 } from '@smithy/signature-v4';
import { createHash, timingSafeEqual } from 'node:crypto';
import type { HeaderMap } from './cors.js';

export interface SigningCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
}

export interface SignedRequest {
  readonly method: string;
  /** Path and query as sent. */
  readonly url: string;
  readonly headers: HeaderMap;
  readonly body: Buffer;
}

const AUTHORIZATION =
  /^AWS4-HMAC-SHA256 Credential=([^/\s]+)\/(\d{8})\/([^/\s]+)\/([^/\s]+)\/aws4_request,\s*SignedHeaders=([a-z0-9!#$%&'*+.^_`|~;-]+),\s*Signature=([0-9a-f]{64})$/;
const AMZ_DATE = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/;
// "Elements of an AWS API request signature": a request dated more than 5 minutes away is refused.
const MAX_SKEW_MS = 5 * 60 * 1000;
const UNSIGNED_PAYLOAD = 'UNSIGNED-PAYLOAD';

function parseAmzDate(raw: string | undefined): Date | undefined {
  const m = raw === undefined ? null : AMZ_DATE.exec(raw);
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s] = m.map(Number);
  return new Date(Date.UTC(y!, mo! - 1, d!, h!, mi!, s!));
}

/** Query parameters decoded, as the signer encodes them again (a repeated key becomes a list). */
function queryOf(raw: string): Record<string, string | string[]> {
  const decode = (s: string) => {
    try {
      return decodeURIComponent(s);
    } catch {
      return s;
    }
  };
  const query: Record<string, string | string[]> = {};
  for (const pair of raw.split('&')) {
    if (pair === '') continue;
    const eq = pair.indexOf('=');
    const key = decode(eq < 0 ? pair : pair.slice(0, eq));
    const value = eq < 0 ? '' : decode(pair.slice(eq + 1));
    const seen = query[key];
    query[key] = seen === undefined ? value : [...(Array.isArray(seen) ? seen : [seen]), value];
  }
  return query;
}

/**
 * The access key id that signed the request when its signature is valid; undefined when it is
 * missing, made with other credentials, for another region or service, too old, or wrong.
 */
export async function verifySignature(
  req: SignedRequest, credentials: SigningCredentials, region: string, nowMs: number,
): Promise<string | undefined> {
  const auth = AUTHORIZATION.exec(req.headers.get('authorization')?.[0] ?? '');
  if (!auth) return undefined;
  const [, accessKeyId, scopeDate, scopeRegion, scopeService, signedHeaderList, signature] = auth;
  if (accessKeyId !== credentials.accessKeyId || scopeRegion !== region || scopeService !== 'lambda') return undefined;

  const amzDate = req.headers.get('x-amz-date')?.[0];
  const signingDate = parseAmzDate(amzDate);
  if (!signingDate || amzDate!.slice(0, 8) !== scopeDate) return undefined;
  if (Math.abs(nowMs - signingDate.getTime()) > MAX_SKEW_MS) return undefined;

  const signedHeaders = signedHeaderList!.split(';');
  if (!signedHeaders.includes('host') || !signedHeaders.includes('x-amz-date')) return undefined;
  const headers: Record<string, string> = {};
  for (const name of signedHeaders) {
    const values = req.headers.get(name);
    if (values === undefined) return undefined;
    headers[name] = values.join(',');
  }
  // A signed payload hash must be the body's: the signature covers the hash, not the bytes.
  const contentSha256 = headers['x-amz-content-sha256'];
  if (contentSha256 !== undefined && contentSha256 !== UNSIGNED_PAYLOAD &&
      contentSha256 !== createHash('sha256').update(req.body).digest('hex')) {
    return undefined;
  }

  const q = req.url.indexOf('?');
  const signer = new SignatureV4({
    credentials: { accessKeyId: accessKeyId!, secretAccessKey: credentials.secretAccessKey },
    region,
    service: 'lambda',
    sha256: Sha256,
    // Only the headers the client signed: the signer must not add x-amz-content-sha256 of its own.
    applyChecksum: false,
  });
  const signed = await signer.sign(
    {
      method: req.method,
      protocol: 'http:',
      hostname: headers['host']!.replace(/:\d+$/, ''),
      path: q < 0 ? req.url : req.url.slice(0, q),
      query: queryOf(q < 0 ? '' : req.url.slice(q + 1)),
      headers,
      body: req.body.length === 0 ? undefined : req.body,
    },
    { signingDate, signableHeaders: new Set(signedHeaders) },
  );
  const expected = /Signature=([0-9a-f]{64})$/.exec(String(signed.headers['authorization']))?.[1];
  if (expected === undefined) return undefined;
  return timingSafeEqual(Buffer.from(expected), Buffer.from(signature!)) ? accessKeyId : undefined;
}
