// POST /2018-06-01/runtime/invocation/{id}/error — the handler failed.
// https://docs.aws.amazon.com/lambda/latest/dg/runtimes-api.html#runtimes-api-invokeerror
import type { IncomingMessage, ServerResponse } from 'node:http';
import { receiveAnswer } from './answer.js';
import { errorReport } from './error-report.js';
import type { RuntimeSession } from './session.js';

export function handleError(session: RuntimeSession, requestId: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
  return receiveAnswer(session, requestId, 'InvocationErrorResponse', req, res, (body) =>
    session.finishError(errorReport(req, body)),
  );
}
