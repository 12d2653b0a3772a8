// Turns what a runtime posts to /error or /init/error into an error report. The body is kept as
// posted (AWS returns it to the caller unchanged); a body that is not JSON still counts.
import type { Exchange } from './exchange.js';
import type { RuntimeErrorReport } from './session.js';

const ERROR_TYPE_HEADER = 'lambda-runtime-function-error-type';

export function errorReport(exchange: Exchange, body: Buffer): RuntimeErrorReport {
  const header = exchange.header(ERROR_TYPE_HEADER);
  const headerType = header !== undefined && header !== '' ? header : undefined;
  let bodyType: string | undefined;
  try {
    const parsed: unknown = JSON.parse(body.toString('utf8'));
    if (parsed && typeof parsed === 'object' && 'errorType' in parsed && typeof parsed.errorType === 'string') {
      bodyType = parsed.errorType;
    }
  } catch {
    bodyType = undefined;
  }
  return { errorType: bodyType ?? headerType ?? 'Runtime.Unknown', body };
}
