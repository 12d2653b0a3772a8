// POST /2018-06-01/runtime/invocation/{id}/error — the handler failed.
// https://docs.aws.amazon.com/lambda/latest/dg/runtimes-api.html#runtimes-api-invokeerror
import type { IncomingMessage, ServerResponse } from 'node:http';
import { readBody } from './body.js';
import { errorReport } from './error-report.js';
import { MAX_RESPONSE_BYTES, REFUSALS, sendAccepted, sendRefusal } from './render.js';
import type { RuntimeSession } from './session.js';

export async function handleError(
  session: RuntimeSession,
  requestId: string,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const refusal = session.beginAnswer(requestId, 'InvocationErrorResponse');
  if (refusal) {
    sendRefusal(res, refusal);
    return;
  }
  const read = await readBody(req, MAX_RESPONSE_BYTES);
  if (read.kind === 'aborted') {
    session.abandonAnswer();
    if (!res.destroyed) sendRefusal(res, REFUSALS.truncated);
    return;
  }
  if (read.kind === 'too-large') {
    session.finishTooLarge();
    sendRefusal(res, REFUSALS.tooLarge);
    return;
  }
  session.finishError(errorReport(req, read.body));
  sendAccepted(res);
}
