// Small helpers for control-plane tests through the official SDK: create a function with sensible
// defaults, and read an SDK rejection as a user would (error name, HTTP status, message).
import { CreateFunctionCommand, type CreateFunctionCommandInput, type LambdaClient } from '@aws-sdk/client-lambda';
import { NODE_ECHO, ROLE, zip } from './server.js';

export interface SeenError {
  readonly name: string;
  readonly status: number | undefined;
  readonly message: string;
}

/** The error a call rejected with, as the SDK shows it; throws if the call succeeded. */
export async function rejection(call: Promise<unknown>): Promise<SeenError> {
  try {
    await call;
  } catch (err) {
    const e = err as Error & { $metadata?: { httpStatusCode?: number } };
    return { name: e.name, status: e.$metadata?.httpStatusCode, message: e.message };
  }
  throw new Error('expected the call to fail, but it succeeded');
}

export async function createFunction(
  lambda: LambdaClient,
  name: string,
  input: Partial<CreateFunctionCommandInput> = {},
) {
  return lambda.send(
    new CreateFunctionCommand({
      FunctionName: name,
      Runtime: 'nodejs20.x',
      Handler: 'index.handler',
      Role: ROLE,
      Code: { ZipFile: await zip(NODE_ECHO) },
      ...input,
    }),
  );
}
