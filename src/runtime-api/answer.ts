// What /response and /error share: claim the invocation's answer, read the body within the 6 MB
// limit (RIE: 413 past it, and the invocation fails with Function.ResponseSizeTooLarge), then
// hand the body to `finish` and answer 202.
import type { Exchange } from './exchange.js';
import { REFUSALS, sendAccepted, sendRefusal } from './render.js';
import type { RuntimeSession } from './session.js';

export async function receiveAnswer(
  session: RuntimeSession,
  requestId: string,
  kind: Parameters<RuntimeSession['beginAnswer']>[1],
  exchange: Exchange,
  finish: (body: Buffer) => void,
): Promise<void> {
  const refusal = session.beginAnswer(requestId, kind);
  if (refusal) {
    sendRefusal(exchange, refusal);
    return;
  }
  const read = await exchange.readBody();
  if (read.kind === 'aborted') {
    session.abandonAnswer();
    if (!exchange.closed) sendRefusal(exchange, REFUSALS.truncated);
    return;
  }
  if (read.kind === 'too-large') {
    session.finishTooLarge();
    sendRefusal(exchange, REFUSALS.tooLarge);
    return;
  }
  const pipelined = session.pollPipelined;
  finish(read.body);
  if (pipelined) session.holdAccepted(exchange);
  else sendAccepted(exchange);
}
