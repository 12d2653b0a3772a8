// POST /2018-06-01/runtime/invocation/{id}/response — the handler's result.
// Over 6 MB the invocation fails with Function.ResponseSizeTooLarge and the runtime gets the RIE's
// 413 RequestEntityTooLarge; the runtime may then poll /next again as usual.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { receiveAnswer } from './answer.js';
import type { RuntimeSession } from './session.js';

export function handleResponse(session: RuntimeSession, requestId: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
  return receiveAnswer(session, requestId, 'InvocationResponse', req, res, (body) => session.finishResponse(body));
}
