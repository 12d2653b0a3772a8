// POST /2018-06-01/runtime/invocation/{id}/response — the handler's result.
// Over 6 MB the invocation fails with Function.ResponseSizeTooLarge and the runtime gets the RIE's
// 413 RequestEntityTooLarge; the runtime may then poll /next again as usual.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { readBody } from './body.js';
import { MAX_RESPONSE_BYTES, REFUSALS, sendAccepted, sendRefusal } from './render.js';
import type { RuntimeSession } from './session.js';

export async function handleResponse(
  session: RuntimeSession,
  requestId: string,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const refusal = session.beginAnswer(requestId, 'InvocationResponse');
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
  session.finishResponse(read.body);
  sendAccepted(res);
}
