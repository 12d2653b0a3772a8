// POST /2018-06-01/runtime/init/error — the runtime could not initialise; the environment fails.
// Allowed only before the first /next (RIE: Started → InitError), else 403 InvalidStateTransition.
// https://docs.aws.amazon.com/lambda/latest/dg/runtimes-api.html#runtimes-api-initerror
import type { IncomingMessage, ServerResponse } from 'node:http';
import { readBody } from './body.js';
import { errorReport } from './error-report.js';
import { invalidStateTransition, MAX_RESPONSE_BYTES, REFUSALS, sendAccepted, sendRefusal } from './render.js';
import type { RuntimeSession } from './session.js';

export async function handleInitError(session: RuntimeSession, req: IncomingMessage, res: ServerResponse): Promise<void> {
  if (session.state !== 'Started') {
    sendRefusal(res, invalidStateTransition(session.state, 'InitError'));
    return;
  }
  const read = await readBody(req, MAX_RESPONSE_BYTES);
  if (read.kind === 'aborted') return;
  const body = read.kind === 'ok' ? read.body : Buffer.alloc(0);
  const refusal = session.initError(errorReport(req, body));
  if (refusal) sendRefusal(res, refusal);
  else if (read.kind === 'too-large') sendRefusal(res, REFUSALS.tooLarge);
  else sendAccepted(res);
}
