// A function URL's CORS settings: checked as AWS checks them when a configuration is written, then
// applied by lambdalite in front of the function, as AWS does: a preflight OPTIONS request is
// answered from the settings without invoking the function, and the allow-origin / expose /
// credentials headers are put on every other response
// (https://docs.aws.amazon.com/lambda/latest/dg/urls-configuration.html#urls-cors).
import { invalidParameter, validationError } from '../errors.js';
import type { CorsConfig } from './repository.js';

/** Lower-cased header name → its values in the order received. */
export type HeaderMap = ReadonlyMap<string, readonly string[]>;

// The AllowMethods values AWS accepts (AWS::Lambda::Url Cors, "Allowed values"); OPTIONS is not
// one of them, since preflights are answered by Lambda itself.
const METHODS = ['GET', 'PUT', 'HEAD', 'POST', 'PATCH', 'DELETE', '*'];

/** One list member of the Cors shape against the model's limits (HeadersList, AllowMethodsList, AllowOriginsList). */
function checkList(value: readonly string[] | undefined, field: string, maxItems: number, minLength: number, maxLength: number): void {
  if (value === undefined) return;
  if (value.length > maxItems) {
    throw validationError(value, field, `Member must have length less than or equal to ${maxItems}`);
  }
  value.forEach((member, i) => {
    if (member.length > maxLength) {
      throw validationError(member, `${field}.${i + 1}.member`, `Member must have length less than or equal to ${maxLength}`);
    }
    if (member.length < minLength) {
      throw validationError(member, `${field}.${i + 1}.member`, `Member must have length greater than or equal to ${minLength}`);
    }
  });
}

/** The Cors member of Create/UpdateFunctionUrlConfig, checked; undefined members are left out. */
export function checkCors(cors: CorsConfig | undefined): CorsConfig | undefined {
  if (cors === undefined) return undefined;
  checkList(cors.AllowHeaders, 'cors.allowHeaders', 100, 0, 1024);
  checkList(cors.AllowMethods, 'cors.allowMethods', 6, 0, 6);
  checkList(cors.AllowOrigins, 'cors.allowOrigins', 100, 1, 253);
  checkList(cors.ExposeHeaders, 'cors.exposeHeaders', 100, 0, 1024);
  if (cors.MaxAge !== undefined) {
    if (cors.MaxAge < 0) throw validationError(cors.MaxAge, 'cors.maxAge', 'Member must have value greater than or equal to 0');
    if (cors.MaxAge > 86400) throw validationError(cors.MaxAge, 'cors.maxAge', 'Member must have value less than or equal to 86400');
  }
  const badMethod = cors.AllowMethods?.find((m) => !METHODS.includes(m));
  if (badMethod !== undefined) {
    // AWS's sentence listing the methods, as users quote it; the part naming the bad value is ours.
    throw invalidParameter(
      `Invalid method '${badMethod}' in Cors.AllowMethods. You can use GET, PUT, POST, DELETE, HEAD, PATCH, and the wildcard character (*).`,
    );
  }
  return Object.fromEntries(Object.entries(cors).filter(([, v]) => v !== undefined)) as CorsConfig;
}

/** A browser's preflight: OPTIONS with an Origin and the method it means to use. */
export function isPreflight(method: string, headers: HeaderMap): boolean {
  return method === 'OPTIONS' && headers.has('origin') && headers.has('access-control-request-method');
}

/**
 * The Access-Control-Allow-Origin value for this request's Origin, or undefined when the origin is
 * not allowed. With `*` and AllowCredentials, browsers refuse a literal `*`, so the origin itself
 * is sent back (lambdalite's choice; AWS does not document this case).
 */
function allowedOrigin(cors: CorsConfig, origin: string | undefined): string | undefined {
  if (origin === undefined) return undefined;
  const origins = cors.AllowOrigins ?? [];
  if (origins.includes('*')) return cors.AllowCredentials ? origin : '*';
  return origins.some((o) => o.toLowerCase() === origin.toLowerCase()) ? origin : undefined;
}

/** The answer to a preflight, from the settings alone: 200, with the CORS headers when the origin is allowed. */
export function preflightHeaders(cors: CorsConfig, origin: string | undefined): [string, string][] {
  const allow = allowedOrigin(cors, origin);
  const headers: [string, string][] = [['vary', 'Origin']];
  if (allow === undefined) return headers;
  headers.push(['access-control-allow-origin', allow]);
  if (cors.AllowMethods?.length) headers.push(['access-control-allow-methods', cors.AllowMethods.join(',')]);
  if (cors.AllowHeaders?.length) headers.push(['access-control-allow-headers', cors.AllowHeaders.join(',')]);
  if (cors.AllowCredentials) headers.push(['access-control-allow-credentials', 'true']);
  if (cors.MaxAge !== undefined) headers.push(['access-control-max-age', String(cors.MaxAge)]);
  return headers;
}

/**
 * A response with the URL's CORS headers in place of any the function set: with CORS configured
 * on the URL, the configuration decides what a browser may read.
 */
export function withCorsHeaders(cors: CorsConfig | undefined, origin: string | undefined, headers: [string, string][]): [string, string][] {
  if (cors === undefined) return headers;
  const out = headers.filter(([name]) => !name.toLowerCase().startsWith('access-control-'));
  out.push(['vary', 'Origin']);
  const allow = allowedOrigin(cors, origin);
  if (allow === undefined) return out;
  out.push(['access-control-allow-origin', allow]);
  if (cors.AllowCredentials) out.push(['access-control-allow-credentials', 'true']);
  if (cors.ExposeHeaders?.length) out.push(['access-control-expose-headers', cors.ExposeHeaders.join(',')]);
  return out;
}
