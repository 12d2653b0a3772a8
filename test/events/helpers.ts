// Shared by the async-invoke tests: functions that write down every event they get (one JSON line
// per run, in a file named by an environment variable), waiting for those lines, a server with an
// injected clock, and a loopback listener that decodes what the official SQS, SNS and
// EventBridge SDK clients send.
import { CreateFunctionCommand, InvokeCommand, type CreateFunctionCommandInput, type LambdaClient } from '@aws-sdk/client-lambda';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { Config } from '../../src/config.js';
import { ROLE, startTestServer, tempDir, zip, type TestServer } from '../helpers/server.js';

export const ARN = 'arn:aws:lambda:us-east-1:000000000000:function';

/**
 * Appends `{"event":…,"requestId":…,"atMs":…}` to $OUT for every run, then waits `sleepMs`, then
 * throws when the event says `fail` (or always, with $ALWAYS_FAIL), else returns `{ ok: event.id }`.
 */
export const RECORDER = `
const fs = require('node:fs');
exports.handler = async (event, context) => {
  fs.appendFileSync(process.env.OUT, JSON.stringify({ event, requestId: context.awsRequestId, atMs: Date.now() }) + '\\n');
  if (event.sleepMs) await new Promise((resolve) => setTimeout(resolve, event.sleepMs));
  if (event.fail || process.env.ALWAYS_FAIL) throw new Error('failed on purpose: ' + JSON.stringify(event.id ?? null));
  return { ok: event.id ?? null };
};
`;

export interface Run {
  readonly event: any;
  readonly requestId: string;
  readonly atMs: number;
}

/** Creates a RECORDER function writing to `out`. */
export async function deployRecorder(
  lambda: LambdaClient,
  name: string,
  out: string,
  input: Partial<CreateFunctionCommandInput> & { env?: Record<string, string> } = {},
) {
  const { env, ...rest } = input;
  return lambda.send(new CreateFunctionCommand({
    FunctionName: name,
    Runtime: 'nodejs20.x',
    Handler: 'index.handler',
    Role: ROLE,
    Timeout: 10,
    Code: { ZipFile: await zip({ 'index.js': RECORDER }) },
    Environment: { Variables: { OUT: out, ...env } },
    ...rest,
  }));
}

/** Queues `event` for `name` (InvocationType Event). */
export async function invokeEvent(lambda: LambdaClient, name: string, event: unknown, qualifier?: string) {
  return lambda.send(new InvokeCommand({
    FunctionName: name,
    InvocationType: 'Event',
    Payload: Buffer.from(JSON.stringify(event)),
    ...(qualifier && { Qualifier: qualifier }),
  }));
}

export function runs(file: string): Run[] {
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8').split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as Run);
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls until `check` returns something truthy; fails after `timeoutMs` with `what`. */
export async function waitFor<T>(what: string, check: () => T | undefined | false, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

/** A clock the test moves forward: Date.now() plus `offsetMs`. */
export class TestClock {
  offsetMs = 0;
  readonly now = () => Date.now() + this.offsetMs;
}

/** Like startTestServer, with the async queue's clock injected. */
export function startClockedServer(
  t: { teardown(fn: () => unknown): void },
  clock: TestClock,
  overrides: Partial<Config> = {},
): Promise<TestServer> {
  return startTestServer(t, overrides, { clock: clock.now });
}

export interface AwsRequest {
  /** `AmazonSQS.SendMessage`, `AWSEvents.PutEvents`, or `SNS.Publish` (query protocol's Action). */
  readonly operation: string;
  readonly headers: IncomingHttpHeaders;
  /** The decoded body: JSON for SQS and EventBridge, the form fields for SNS. */
  readonly body: any;
}

/**
 * An HTTP listener on 127.0.0.1 that speaks just enough SQS (JSON protocol: SendMessage, with the
 * MD5OfMessageBody the SDK checks), SNS (query protocol: Publish) and EventBridge (JSON 1.1:
 * PutEvents) to answer the official SDK clients, and keeps every request it decoded. With
 * `answerFirst: false` the first request never gets an answer, as from a server that hung.
 */
export async function awsListener(
  t: { teardown(fn: () => unknown): void },
  { answerFirst = true } = {},
): Promise<{ url: string; requests: AwsRequest[] }> {
  const requests: AwsRequest[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const target = req.headers['x-amz-target'] as string | undefined;
      if (target === undefined) {
        const form = Object.fromEntries(new URLSearchParams(text));
        requests.push({ operation: `SNS.${form.Action}`, headers: req.headers, body: form });
        res.writeHead(200, { 'content-type': 'text/xml' });
        res.end('<PublishResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><PublishResult>' +
          `<MessageId>m-${requests.length}</MessageId></PublishResult><ResponseMetadata><RequestId>r-${requests.length}</RequestId>` +
          '</ResponseMetadata></PublishResponse>');
        return;
      }
      const body = JSON.parse(text || '{}');
      requests.push({ operation: target, headers: req.headers, body });
      if (requests.length === 1 && !answerFirst) return;
      res.writeHead(200, { 'content-type': 'application/x-amz-json-1.0' });
      if (target === 'AWSEvents.PutEvents') {
        res.end(JSON.stringify({ FailedEntryCount: 0, Entries: [{ EventId: `e-${requests.length}` }] }));
      } else {
        const md5 = createHash('md5').update(String(body.MessageBody ?? '')).digest('hex');
        res.end(JSON.stringify({ MessageId: `m-${requests.length}`, MD5OfMessageBody: md5 }));
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.teardown(() => new Promise((resolve) => {
    server.closeAllConnections();
    server.close(resolve);
  }));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, requests };
}

/** A file in a fresh temporary folder, removed at teardown. */
export function outFile(t: { teardown(fn: () => unknown): void }, name = 'runs.jsonl'): string {
  const dir = tempDir('lambdalite-events-');
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  return join(dir, name);
}
