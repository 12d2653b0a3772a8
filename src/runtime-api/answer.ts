// What /response and /error share: claim the invocation's answer, read the body within the 6 MB
// limit (RIE: 413 past it, and the invocation fails with Function.ResponseSizeTooLarge), then
// hand the body to `finish` and answer 202.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { readBody } from './body.js';
import { MAX_RESPONSE_BYTES, REFUSALS, sendAccepted, sendRefusal } from './render.js';
import type { RuntimeSession } from './session.js';

export async function receiveAnswer(
  session: RuntimeSession,
  requestId: string,
  kind: Parameters<RuntimeSession['beginAnswer']>[1],
  req: IncomingMessage,
  res: ServerResponse,
  finish: (body: Buffer) => void,
): Promise<void> {
  const refusal = session.beginAnswer(requestId, kind);
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
  const pipelined = session.pollPipelined;
  finish(read.body);
  if (pipelined) session.holdAccepted(res);
  else sendAccepted(res);
}
