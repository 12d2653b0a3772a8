// Shared by the function URL tests: a function with a URL, and a raw HTTP request for what fetch
// cannot send (a Host header of our choosing, a header line repeated).
import { CreateFunctionUrlConfigCommand, type CreateFunctionUrlConfigCommandInput, type LambdaClient } from '@aws-sdk/client-lambda';
import { request } from 'node:http';
import { createFunction } from '../helpers/aws.js';
import { zip } from '../helpers/server.js';

/** Creates a Node.js function from `handler` (the body of index.js) and a URL for it; returns the URL. */
export async function functionWithUrl(
  lambda: LambdaClient,
  name: string,
  handler: string,
  url: Partial<CreateFunctionUrlConfigCommandInput> = {},
): Promise<{ url: string; urlId: string }> {
  await createFunction(lambda, name, { Code: { ZipFile: await zip({ 'index.js': handler }) } });
  const created = await lambda.send(new CreateFunctionUrlConfigCommand({ FunctionName: name, AuthType: 'NONE', ...url }));
  const urlId = /\/lambda-url\/([a-z0-9]{32})\/$/.exec(created.FunctionUrl ?? '')?.[1];
  if (!urlId) throw new Error(`unexpected FunctionUrl ${created.FunctionUrl}`);
  return { url: created.FunctionUrl!, urlId };
}

export interface RawResponse {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: Buffer;
}

/** One request with node:http; header values given as arrays are sent as repeated header lines. */
export function rawRequest(
  baseUrl: string,
  options: { method?: string; path: string; headers?: Record<string, string | string[]>; body?: Buffer | string },
): Promise<RawResponse> {
  const base = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const req = request(
      { host: base.hostname, port: base.port, method: options.method ?? 'GET', path: options.path, headers: options.headers },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}

/** Returns the event it was invoked with, as the JSON body of a 200 response. */
export const ECHO = 'exports.handler = async (event) => event;\n';
