// The payloads AWS returns when the platform, not the handler, ends an invocation. Texts follow
// the Runtime Interface Emulator (`rapid/handlers.go`, `rapid/model/customer_error.go`) and what
// Lambda returns today, e.g. {"errorType":"Sandbox.Timedout","errorMessage":"RequestId: … Error:
// Task timed out after 3.00 seconds"}.
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

/**
 * The line Lambda writes to the function's log at a timeout, before END, e.g.
 * "2024-05-01T12:00:03.012Z 8f5b… Task timed out after 3.00 seconds" ("Troubleshoot invocation
 * issues in Lambda": users search their logs for it).
 */
export function timedOutLogLine(requestId: string, timeoutSeconds: number, now: Date = new Date()): string {
  return `${now.toISOString()} ${requestId} Task timed out after ${timeoutSeconds.toFixed(2)} seconds`;
}

/** The lines Lambda writes to the function's log when the runtime dies: the message, then the type. */
export function failureLogLines(f: Failure): string[] {
  const { errorMessage } = JSON.parse(f.payload.toString('utf8')) as { errorMessage: string };
  return [errorMessage, f.errorType];
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

/**
 * AWS's payload when a response is over 6 MB (MAX_RESPONSE_BYTES, 6291456). Lambda's text names
 * 6291556 bytes, 100 more than the limit it enforces; we return its text as it is, since callers
 * match on it.
 */
export function responseTooLarge(): Failure {
  return {
    errorType: 'Function.ResponseSizeTooLarge',
    payload: Buffer.from(
      JSON.stringify({
        errorMessage: 'Response payload size exceeded maximum allowed payload size (6291556 bytes).',
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
