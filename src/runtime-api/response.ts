// POST /2018-06-01/runtime/invocation/{id}/response — the handler's result.
// Over 6 MB the invocation fails with Function.ResponseSizeTooLarge and the runtime gets the RIE's
// 413 RequestEntityTooLarge; the runtime may then poll /next again as usual.
import { receiveAnswer } from './answer.js';
import type { Exchange } from './exchange.js';
import type { RuntimeSession } from './session.js';

export function handleResponse(session: RuntimeSession, requestId: string, exchange: Exchange): Promise<void> {
  return receiveAnswer(session, requestId, 'InvocationResponse', exchange, (body) => session.finishResponse(body));
}
