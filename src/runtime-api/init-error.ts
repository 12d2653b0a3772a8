// POST /2018-06-01/runtime/init/error — the runtime could not initialise; the environment fails.
// Allowed only before the first /next (RIE: Started → InitError), else 403 InvalidStateTransition.
// https://docs.aws.amazon.com/lambda/latest/dg/runtimes-api.html#runtimes-api-initerror
import { errorReport } from './error-report.js';
import type { Exchange } from './exchange.js';
import { invalidStateTransition, REFUSALS, sendAccepted, sendRefusal } from './render.js';
import type { RuntimeSession } from './session.js';

export async function handleInitError(session: RuntimeSession, exchange: Exchange): Promise<void> {
  if (session.state !== 'Started') {
    sendRefusal(exchange, invalidStateTransition(session.state, 'InitError'));
    return;
  }
  const read = await exchange.readBody();
  if (read.kind === 'aborted') return;
  const body = read.kind === 'ok' ? read.body : Buffer.alloc(0);
  const refusal = session.initError(errorReport(exchange, body));
  if (refusal) sendRefusal(exchange, refusal);
  else if (read.kind === 'too-large') sendRefusal(exchange, REFUSALS.tooLarge);
  else sendAccepted(exchange);
}
