// The payloads AWS returns when the platform, not the handler, ends an invocation. Texts follow
// the Runtime Interface Emulator (`rapid/handlers.go`, `rapid/model/customer_error.go`) and what
// Lambda returns today, e.g. {"errorType":"Sandbox.Timedout","errorMessage":"RequestId: … Error:
// Task timed out after 3.00 seconds"}.
import { MAX_RESPONSE_BYTES } from '../runtime-api/render.js';
import type { RuntimeErrorReport } from '../runtime-api/session.js';
import type { ProcessExit } from './executor.js';

export interface Failure {
  readonly errorType: string;
  readonly payload: Buffer;
}

const json = (errorType: string, errorMessage: string): Failure => ({
  errorType,
  payload: Buffer.from(JSON.stringify({ errorType, errorMessage })),
});

export function timedOut(requestId: string, timeoutSeconds: number): Failure {
  return json('Sandbox.Timedout', `RequestId: ${requestId} Error: Task timed out after ${timeoutSeconds.toFixed(2)} seconds`);
}

/** Go's names for signals (os/exec ExitError text), which is what AWS prints. */
const SIGNAL_TEXT: Readonly<Partial<Record<NodeJS.Signals, string>>> = {
  SIGKILL: 'killed',
  SIGTERM: 'terminated',
  SIGSEGV: 'segmentation fault',
  SIGABRT: 'aborted',
  SIGINT: 'interrupt',
  SIGHUP: 'hangup',
  SIGBUS: 'bus error',
  SIGILL: 'illegal instruction',
  SIGFPE: 'floating point exception',
  SIGPIPE: 'broken pipe',
  SIGQUIT: 'quit',
  SIGTRAP: 'trace/breakpoint trap',
};

export function exited(requestId: string, exit: ProcessExit): Failure {
  const reason = exit.signal
    ? `Runtime exited with error: signal: ${SIGNAL_TEXT[exit.signal] ?? exit.signal}`
    : exit.code === 0
      ? 'Runtime exited without providing a reason'
      : `Runtime exited with error: exit status ${exit.code ?? 'unknown'}`;
  return json(exit.oomKilled ? 'Runtime.OutOfMemory' : 'Runtime.ExitError', `RequestId: ${requestId} Error: ${reason}`);
}

export function startFailed(requestId: string, errorType: string, message: string): Failure {
  return json(errorType, `RequestId: ${requestId} Error: ${message}`);
}

/** AWS's payload when a response is over 6 MB. */
export function responseTooLarge(): Failure {
  return {
    errorType: 'Function.ResponseSizeTooLarge',
    payload: Buffer.from(
      JSON.stringify({
        errorMessage: `Response payload size exceeded maximum allowed payload size (${MAX_RESPONSE_BYTES} bytes).`,
        errorType: 'Function.ResponseSizeTooLarge',
      }),
    ),
  };
}

/** A runtime's /error or /init/error body goes to the caller as posted; an empty one gets a body. */
export function reported(report: RuntimeErrorReport): Failure {
  if (report.body.length > 0) return { errorType: report.errorType, payload: report.body };
  return json(report.errorType, 'Unknown application error occurred');
}
