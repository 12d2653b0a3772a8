// Shared by the invoke tests (test/invoke/): deploy a function from in-memory files, invoke it
// through the SDK and read the result as a user would (status, payload, FunctionError, ExecutedVersion, log).
import {
  InvokeCommand,
  type CreateFunctionCommandInput,
  type InvokeCommandInput,
  type LambdaClient,
} from '@aws-sdk/client-lambda';
import { createFunction } from './aws.js';
import { zip } from './server.js';

export const ACCOUNT_ARN = 'arn:aws:lambda:us-east-1:000000000000:function';

export type Files = Record<string, string | Buffer | [string | Buffer, number]>;

/** Creates a function from `files` (Node.js 20, index.handler, 128 MB, 3 s unless overridden). */
export async function deploy(
  lambda: LambdaClient,
  name: string,
  files: Files,
  input: Partial<CreateFunctionCommandInput> = {},
) {
  return createFunction(lambda, name, { MemorySize: 128, Timeout: 3, Code: { ZipFile: await zip(files) }, ...input });
}

export interface Invoked {
  readonly status: number | undefined;
  readonly executedVersion: string | undefined;
  readonly functionError: string | undefined;
  /** The payload as text ('' when there is none). */
  readonly text: string;
  /** The payload parsed as JSON (undefined when empty). */
  readonly body: any;
  /** The decoded LogResult, when LogType was Tail. */
  readonly log: string | undefined;
  /** The response's x-amzn-RequestId. */
  readonly requestId: string | undefined;
}

/** Invokes `name` (RequestResponse) with `event` as its JSON payload. */
export async function invoke(
  lambda: LambdaClient,
  name: string,
  event: unknown = {},
  input: Partial<InvokeCommandInput> = {},
): Promise<Invoked> {
  const res = await lambda.send(
    new InvokeCommand({ FunctionName: name, Payload: Buffer.from(JSON.stringify(event)), ...input }),
  );
  const text = res.Payload ? Buffer.from(res.Payload).toString() : '';
  return {
    status: res.StatusCode,
    executedVersion: res.ExecutedVersion,
    functionError: res.FunctionError,
    text,
    body: text === '' ? undefined : JSON.parse(text),
    log: res.LogResult === undefined ? undefined : Buffer.from(res.LogResult, 'base64').toString(),
    requestId: res.$metadata.requestId,
  };
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Whether a process with this id still exists: kill(pid, 0) fails with ESRCH once it is gone. */
export function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ESRCH') return false;
    throw err;
  }
}
