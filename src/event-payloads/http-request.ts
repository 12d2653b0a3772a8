// The HTTP request behind an API Gateway event: its query, its path parameters, and the ids and
// times API Gateway adds. Shared by the REST API (payload 1.0) and HTTP API (payload 2.0) events.
import { randomFrom, randomHex } from './common.js';
import { UsageError } from './template.js';

/** Query parameters in request order; a name may repeat. */
export type Query = ReadonlyArray<readonly [name: string, value: string]>;

/**
 * `--querystringparameters` as SAM takes it, a JSON object (`{"foo": "bar"}`); a list value
 * (`{"a": ["1", "2"]}`) repeats the name, as `?a=1&a=2` does.
 */
export function parseQuery(json: string): Query {
  if (json.trim() === '') return [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch {
    throw new UsageError(`--querystringparameters: expected a JSON object such as '{"foo": "bar"}', got '${json}'`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new UsageError(`--querystringparameters: expected a JSON object such as '{"foo": "bar"}', got '${json}'`);
  }
  const query: Array<readonly [string, string]> = [];
  for (const [name, value] of Object.entries(parsed)) {
    const values: unknown[] = Array.isArray(value) ? value : [value];
    for (const v of values) {
      if (typeof v !== 'string') throw new UsageError(`--querystringparameters: '${name}' must be a string or a list of strings`);
      query.push([name, v]);
    }
  }
  return query;
}

/** Each name with all its values, in order: `multiValueQueryStringParameters`. */
export function groupQuery(query: Query): Record<string, string[]> {
  const grouped: Record<string, string[]> = {};
  for (const [name, value] of query) (grouped[name] ??= []).push(value);
  return grouped;
}

/** The query string as the client sent it (`rawQueryString`), percent-encoded. */
export const rawQueryString = (query: Query): string =>
  query.map(([name, value]) => `${encodeURIComponent(name)}=${encodeURIComponent(value)}`).join('&');

export const withLeadingSlash = (path: string): string => (path.startsWith('/') ? path : `/${path}`);

/**
 * The path parameters API Gateway extracts when `path` matches a resource or route template:
 * `{name}` takes one segment, a final `{name+}` the rest. Null when the template has none, as
 * API Gateway sends it; a path the template cannot match is a usage error, since API Gateway
 * would never route it there.
 */
export function pathParameters(template: string, path: string): Record<string, string> | null {
  const tpl = withLeadingSlash(template).split('/');
  const segments = withLeadingSlash(path).split('/');
  const params: Record<string, string> = {};
  const mismatch = () => new UsageError(`path '${path}' does not match the resource '${template}'`);
  for (const [i, part] of tpl.entries()) {
    const greedy = /^\{(.+)\+\}$/.exec(part);
    if (greedy && i === tpl.length - 1) {
      const rest = segments.slice(i).join('/');
      if (rest === '') throw mismatch();
      params[greedy[1]!] = rest;
      return params;
    }
    const variable = /^\{(.+)\}$/.exec(part);
    const segment = segments[i];
    if (segment === undefined || (variable ? segment === '' : segment !== part)) throw mismatch();
    if (variable) params[variable[1]!] = segment;
  }
  if (segments.length !== tpl.length) throw mismatch();
  return Object.keys(params).length > 0 ? params : null;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const two = (n: number) => String(n).padStart(2, '0');

/** `$context.requestTime`, in CLF format: `10/Mar/2020:00:03:59 +0000`. */
export function requestTime(now: Date): string {
  const date = `${two(now.getUTCDate())}/${MONTHS[now.getUTCMonth()]}/${now.getUTCFullYear()}`;
  return `${date}:${two(now.getUTCHours())}:${two(now.getUTCMinutes())}:${two(now.getUTCSeconds())} +0000`;
}

/** The X-Ray trace header API Gateway adds: `Root=1-<epoch seconds, hex>-<96 random bits>`. */
export const traceHeader = (now: Date): string =>
  `Root=1-${Math.floor(now.getTime() / 1000).toString(16)}-${randomHex(24)}`;

/** `$context.extendedRequestId` (REST) and `requestId` (HTTP API): 15 characters and a `=`. */
export const edgeRequestId = (): string =>
  `${randomFrom('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789', 15)}=`;

export const USER_AGENT = 'curl/8.5.0';
/** An API id: 10 lower-case letters and digits, the first label of the execute-api host. */
export const API_ID = '1234567890';
