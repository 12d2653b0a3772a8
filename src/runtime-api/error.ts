// POST /2018-06-01/runtime/invocation/{id}/error — the handler failed.
// https://docs.aws.amazon.com/lambda/latest/dg/runtimes-api.html#runtimes-api-invokeerror
import { receiveAnswer } from './answer.js';
import { errorReport } from './error-report.js';
import type { Exchange } from './exchange.js';
import type { RuntimeSession } from './session.js';

export function handleError(session: RuntimeSession, requestId: string, exchange: Exchange): Promise<void> {
  return receiveAnswer(session, requestId, 'InvocationErrorResponse', exchange, (body) =>
    session.finishError(errorReport(exchange, body)),
  );
}
