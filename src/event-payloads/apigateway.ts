// API Gateway proxy integrations. `aws-proxy`: a REST API, payload format 1.0, shaped as in "Lambda
// proxy integrations in API Gateway" (API Gateway developer guide) and the REST example of "Using
// AWS Lambda with Amazon API Gateway" (Lambda guide). `http-api-proxy`: an HTTP API, payload format
// 2.0, as in "Working with AWS Lambda proxy integrations for HTTP APIs". Fields that appear only with
// an authorizer or mutual TLS (authorizer, clientCert) are left out, as API Gateway leaves them out.
import { ACCOUNT_ID, SOURCE_IP, uuid } from './common.js';
import {
  API_ID, USER_AGENT, edgeRequestId, groupQuery, parseQuery, pathParameters, rawQueryString, requestTime,
  traceHeader, withLeadingSlash,
} from './http-request.js';
import { UsageError, defineEvent, type FlagSpec, type ServiceTemplates } from './template.js';

const COMMON = {
  body: { defaultValue: '{"test":"body"}', description: "request body ('' for none)" },
  method: { defaultValue: 'POST', description: 'HTTP method' },
  path: { defaultValue: '/path/to/resource', description: 'request path' },
  querystringparameters: {
    defaultValue: '{"foo": "bar"}',
    description: 'query as a JSON object; a list repeats the name: {"a": ["1", "2"]}',
  },
  'account-id': ACCOUNT_ID,
  'dns-suffix': { defaultValue: 'us-east-1.amazonaws.com', description: 'execute-api host suffix: <region>.amazonaws.com' },
} satisfies Record<string, FlagSpec>;

/** Client headers of a JSON request; content headers only when there is a body. */
function clientHeaders(host: string, body: string): Array<[string, string]> {
  const content: Array<[string, string]> = body === ''
    ? []
    : [['Content-Length', String(Buffer.byteLength(body))], ['Content-Type', 'application/json']];
  return [['Accept', '*/*'], ...content, ['Host', host], ['User-Agent', USER_AGENT]];
}

/** Headers API Gateway adds in front of the function. */
const gatewayHeaders = (now: Date): Array<[string, string]> => [
  ['X-Amzn-Trace-Id', traceHeader(now)],
  ['X-Forwarded-For', SOURCE_IP],
  ['X-Forwarded-Port', '443'],
  ['X-Forwarded-Proto', 'https'],
];

const awsProxy = defineEvent({
  description: 'a REST API request through a Lambda proxy integration (payload format 1.0)',
  flags: {
    ...COMMON,
    resource: { defaultValue: '/{proxy+}', description: 'API resource the path matched; {name} and {name+} give pathParameters' },
    stage: { defaultValue: 'prod', description: 'deployment stage' },
  },
  build: (v, now) => {
    const path = withLeadingSlash(v.path);
    const method = v.method.toUpperCase();
    const query = parseQuery(v.querystringparameters);
    const host = `${API_ID}.execute-api.${v['dns-suffix']}`;
    // A REST API passes header names as the client sent them; its examples carry no Content-Length.
    const headers = [...clientHeaders(host, v.body).filter(([name]) => name !== 'Content-Length'), ...gatewayHeaders(now)];
    const multiValueQuery = groupQuery(query);
    return {
      resource: withLeadingSlash(v.resource),
      path,
      httpMethod: method,
      headers: Object.fromEntries(headers),
      multiValueHeaders: Object.fromEntries(headers.map(([name, value]) => [name, [value]])),
      // A REST API keeps the last value of a repeated name here; all of them in the multi-value map.
      queryStringParameters: query.length === 0 ? null : Object.fromEntries(query),
      multiValueQueryStringParameters: query.length === 0 ? null : multiValueQuery,
      pathParameters: pathParameters(v.resource, path),
      stageVariables: null,
      requestContext: {
        resourceId: 'a1b2c3',
        resourcePath: withLeadingSlash(v.resource),
        httpMethod: method,
        extendedRequestId: edgeRequestId(),
        requestTime: requestTime(now),
        path: `/${v.stage}${path}`,
        accountId: v['account-id'],
        protocol: 'HTTP/1.1',
        stage: v.stage,
        domainPrefix: API_ID,
        requestTimeEpoch: now.getTime(),
        requestId: uuid(),
        identity: {
          cognitoIdentityPoolId: null,
          accountId: null,
          cognitoIdentityId: null,
          caller: null,
          sourceIp: SOURCE_IP,
          principalOrgId: null,
          accessKey: null,
          cognitoAuthenticationType: null,
          cognitoAuthenticationProvider: null,
          userArn: null,
          userAgent: USER_AGENT,
          user: null,
        },
        domainName: host,
        apiId: API_ID,
      },
      body: v.body === '' ? null : v.body,
      isBase64Encoded: false,
    };
  },
});

/** `$default`, or `METHOD /path` where METHOD may be ANY; the path parameters it gives. */
function routeParameters(routeKey: string, method: string, path: string): Record<string, string> | null {
  if (routeKey === '$default') return null;
  const match = /^([A-Z]+) (\/.*)$/.exec(routeKey);
  if (!match) throw new UsageError(`--route-key: expected '$default' or 'METHOD /path', got '${routeKey}'`);
  if (match[1] !== 'ANY' && match[1] !== method) {
    throw new UsageError(`--route-key '${routeKey}' does not match the method ${method}`);
  }
  return pathParameters(match[2]!, path);
}

const httpApiProxy = defineEvent({
  description: 'an HTTP API request through a Lambda integration (payload format 2.0)',
  flags: {
    ...COMMON,
    'route-key': { defaultValue: '$default', description: "route that matched: '$default' or 'METHOD /path/{name}'" },
    cookies: { defaultValue: 'session=abc123; theme=dark', description: "Cookie header of the request ('' for none)" },
    stage: { defaultValue: '$default', description: 'stage; a named stage is part of rawPath' },
  },
  build: (v, now) => {
    const path = withLeadingSlash(v.path);
    const method = v.method.toUpperCase();
    const query = parseQuery(v.querystringparameters);
    const params = routeParameters(v['route-key'], method, path);
    const host = `${API_ID}.execute-api.${v['dns-suffix']}`;
    // The invoke URL of a named stage starts with the stage, and HTTP APIs pass that on.
    const rawPath = v.stage === '$default' ? path : `/${v.stage}${path}`;
    const cookies = v.cookies.split(';').map((c) => c.trim()).filter((c) => c !== '');
    // Payload 2.0 lower-cases header names, joins repeated values with commas, and moves cookies
    // to their own field (HTTP API guide, "Payload format version").
    const headers = [...clientHeaders(host, v.body), ...gatewayHeaders(now)].map(([name, value]) => [name.toLowerCase(), value]);
    const queryParameters = Object.entries(groupQuery(query)).map(([name, values]) => [name, values.join(',')]);
    const requestId = edgeRequestId();
    return {
      version: '2.0',
      routeKey: v['route-key'],
      rawPath,
      rawQueryString: rawQueryString(query),
      ...(cookies.length > 0 ? { cookies } : {}),
      headers: Object.fromEntries(headers),
      ...(query.length > 0 ? { queryStringParameters: Object.fromEntries(queryParameters) } : {}),
      requestContext: {
        accountId: v['account-id'],
        apiId: API_ID,
        domainName: host,
        domainPrefix: API_ID,
        http: { method, path: rawPath, protocol: 'HTTP/1.1', sourceIp: SOURCE_IP, userAgent: USER_AGENT },
        requestId,
        routeKey: v['route-key'],
        stage: v.stage,
        time: requestTime(now),
        timeEpoch: now.getTime(),
      },
      ...(v.body === '' ? {} : { body: v.body }),
      ...(params === null ? {} : { pathParameters: params }),
      isBase64Encoded: false,
    };
  },
});

export const APIGATEWAY: ServiceTemplates = {
  description: 'Amazon API Gateway proxy integrations',
  events: { 'aws-proxy': awsProxy, 'http-api-proxy': httpApiProxy },
};
