// GET /2018-06-01/runtime/invocation/next — the runtime's long-poll for its next event.
// https://docs.aws.amazon.com/lambda/latest/dg/runtimes-api.html#runtimes-api-next
import type { Exchange } from './exchange.js';
import { sendRefusal } from './render.js';
import type { RuntimeEvent, RuntimeSession } from './session.js';

export function handleNext(session: RuntimeSession, exchange: Exchange): void {
  const refusal = session.poll(exchange);
  if (refusal) sendRefusal(exchange, refusal);
}

/** Writes one event with the headers AWS sets; the payload goes out as the caller's bytes. */
export function deliverEvent(exchange: Exchange, event: RuntimeEvent): void {
  const headers: Record<string, string> = {
    'Content-Type': 'application/json',
    'Lambda-Runtime-Aws-Request-Id': event.requestId,
    'Lambda-Runtime-Deadline-Ms': String(event.deadlineMs),
    'Lambda-Runtime-Invoked-Function-Arn': event.invokedFunctionArn,
  };
  if (event.traceId) headers['Lambda-Runtime-Trace-Id'] = event.traceId;
  if (event.clientContext) headers['Lambda-Runtime-Client-Context'] = event.clientContext;
  if (event.cognitoIdentity) headers['Lambda-Runtime-Cognito-Identity'] = event.cognitoIdentity;
  exchange.respond(200, headers, event.payload);
}
