// AWS_IAM function URLs: only requests signed with SigV4 (service lambda, the server's region) by
// lambdalite's configured credentials get through; anything else is 403 before the function runs.
import { Sha256 } from '@smithy/core/checksum';
import { SignatureV4 } from '@smithy/signature-v4';
import t from 'tap';
import { startTestServer } from '../helpers/server.js';
import { ECHO, functionWithUrl, rawRequest } from './helpers.js';

interface SignOptions {
  method?: string;
  path: string;
  query?: Record<string, string | string[]>;
  host: string;
  headers?: Record<string, string>;
  body?: string;
  secretAccessKey?: string;
  accessKeyId?: string;
  region?: string;
  signingDate?: Date;
}

async function sign(o: SignOptions): Promise<Record<string, string>> {
  const signer = new SignatureV4({
    credentials: { accessKeyId: o.accessKeyId ?? 'test', secretAccessKey: o.secretAccessKey ?? 'test' },
    region: o.region ?? 'us-east-1',
    service: 'lambda',
    sha256: Sha256,
  });
  const signed = await signer.sign(
    {
      method: o.method ?? 'GET',
      protocol: 'http:',
      hostname: o.host.replace(/:\d+$/, ''),
      path: o.path,
      query: o.query ?? {},
      headers: { host: o.host, ...o.headers },
      body: o.body,
    },
    { signingDate: o.signingDate },
  );
  return signed.headers;
}

const withoutHost = (headers: Record<string, string>) => Object.fromEntries(Object.entries(headers).filter(([k]) => k !== 'host'));

t.test('an AWS_IAM URL wants a valid SigV4 signature made with the configured credentials', async (t) => {
  const { lambda, server } = await startTestServer(t);
  const { url, urlId } = await functionWithUrl(lambda, 'private', ECHO, { AuthType: 'AWS_IAM' });
  const host = new URL(server.url).host;
  const path = `/lambda-url/${urlId}/orders`;

  const unsigned = await fetch(`${url}orders`);
  t.equal(unsigned.status, 403, 'unsigned: 403');
  t.equal(unsigned.headers.get('x-amzn-errortype'), 'AccessDeniedException');
  t.match(await unsigned.json(), { Message: /^Forbidden/ });

  const headers = await sign({ path, host, query: { page: '2', tag: ['a', 'b'] } });
  const ok = await fetch(`${url}orders?page=2&tag=a&tag=b`, { headers: withoutHost(headers) });
  t.equal(ok.status, 200, 'signed with the configured credentials: 200');
  const event = await ok.json();
  t.equal(event.rawPath, '/orders');
  t.same(event.queryStringParameters, { page: '2', tag: 'a,b' });
  t.equal(event.requestContext.accountId, '000000000000', 'the caller account, not anonymous');
  t.same(event.requestContext.authorizer, {
    iam: {
      accessKey: 'test', accountId: '000000000000', callerId: '000000000000', cognitoIdentity: null,
      principalOrgId: null, userArn: 'arn:aws:iam::000000000000:root', userId: '000000000000',
    },
  }, 'requestContext.authorizer.iam names the caller');

  const body = JSON.stringify({ order: 42 });
  const postHeaders = await sign({ method: 'POST', path, host, headers: { 'content-type': 'application/json' }, body });
  const posted = await fetch(`${url}orders`, { method: 'POST', headers: withoutHost(postHeaders), body });
  t.equal(posted.status, 200, 'a signed POST with a body');
  t.equal((await posted.json()).body, body);

  const tampered = await fetch(`${url}orders`, { method: 'POST', headers: withoutHost(postHeaders), body: JSON.stringify({ order: 43 }) });
  t.equal(tampered.status, 403, 'the body is not the one signed: 403');

  const wrongSecret = await sign({ path, host, secretAccessKey: 'not-the-secret' });
  t.equal((await fetch(`${url}orders`, { headers: withoutHost(wrongSecret) })).status, 403, 'signed with a wrong secret: 403');

  const wrongKey = await sign({ path, host, accessKeyId: 'AKIDOTHER' });
  t.equal((await fetch(`${url}orders`, { headers: withoutHost(wrongKey) })).status, 403, 'another access key: 403');

  const wrongRegion = await sign({ path, host, region: 'eu-west-1' });
  t.equal((await fetch(`${url}orders`, { headers: withoutHost(wrongRegion) })).status, 403, 'another region: 403');

  const old = await sign({ path, host, signingDate: new Date(Date.now() - 6 * 60 * 1000) });
  t.equal((await fetch(`${url}orders`, { headers: withoutHost(old) })).status, 403, 'signed more than 5 minutes ago: 403');

  const otherPath = await fetch(`${url}elsewhere`, { headers: withoutHost(headers) });
  t.equal(otherPath.status, 403, 'a signature for another path: 403');
});

t.test('the credentials are settings, and the host form is signed like any request', async (t) => {
  const { lambda, server } = await startTestServer(t, { accessKeyId: 'AKIDLOCAL', secretAccessKey: 'local-secret' });
  const { urlId } = await functionWithUrl(lambda, 'hosted-private', ECHO, { AuthType: 'AWS_IAM' });
  const host = `${urlId}.lambda-url.us-east-1.localhost:${new URL(server.url).port}`;

  const defaults = await sign({ path: '/report', host });
  t.equal((await rawRequest(server.url, { path: '/report', headers: defaults })).status, 403, 'the default test/test no longer signs');

  const configured = await sign({ path: '/report', host, accessKeyId: 'AKIDLOCAL', secretAccessKey: 'local-secret' });
  const res = await rawRequest(server.url, { path: '/report', headers: configured });
  t.equal(res.status, 200, 'signed with --access-key-id / --secret-access-key: 200');
  const event = JSON.parse(res.body.toString());
  t.equal(event.rawPath, '/report');
  t.equal(event.requestContext.authorizer.iam.accessKey, 'AKIDLOCAL');
});
