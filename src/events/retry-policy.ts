// What happens to an async event after each run, as "How Lambda handles errors and retries with
// asynchronous invocation" (Lambda developer guide) describes it:
// - a function error (the handler's or the runtime's, timeouts included) is retried up to
//   MaximumRetryAttempts times (default 2), one minute before the first retry and two before the
//   second (here: `retryDelayMs`, then twice that);
// - throttles (429) and system errors (5xx) go back to the queue, "the retry interval increases
//   exponentially from 1 second after the first attempt to a maximum of 5 minutes", for as long as
//   MaximumEventAgeInSeconds allows (default 6 hours);
// - an event whose next try would come after its maximum age is given up now (EventAgeExceeded),
//   which is what AWS does: with a 60 s maximum age a failed event is not retried at all, since the
//   first retry would come a minute later (LocalStack's AWS-recorded test_maxeventage).
// Pure functions, so the table of cases in test/events/retry-policy.test.ts covers them.

export const DEFAULT_MAX_RETRY_ATTEMPTS = 2;
export const DEFAULT_MAX_EVENT_AGE_SECONDS = 21600;
export const THROTTLE_FIRST_DELAY_MS = 1000;
export const THROTTLE_MAX_DELAY_MS = 5 * 60 * 1000;

/** The outcome of one try to run an event. */
export type TryResult = 'success' | 'function-error' | 'throttled' | 'system-error';

/** `requestContext.condition` of an invocation record. */
export type Condition = 'Success' | 'RetriesExhausted' | 'EventAgeExceeded' | 'ZeroReservedConcurrency';

export interface RetryLimits {
  readonly maxRetryAttempts: number;
  readonly maxEventAgeSeconds: number;
  /** Wait before the first retry of a function error; the second waits twice as long. */
  readonly retryDelayMs: number;
}

export interface EventProgress {
  readonly enqueuedAtMs: number;
  /** Runs of the function so far, the one just finished included. */
  readonly attempts: number;
  /** Throttles and system errors in a row before this try. */
  readonly throttles: number;
}

export type Decision =
  | { readonly kind: 'settle'; readonly condition: Condition }
  | { readonly kind: 'retry'; readonly dueAtMs: number; readonly throttles: number };

/** Whether an event is already past its maximum age, so it is not run at all. */
export function expired(p: Pick<EventProgress, 'enqueuedAtMs'>, limits: RetryLimits, nowMs: number): boolean {
  return nowMs - p.enqueuedAtMs > limits.maxEventAgeSeconds * 1000;
}

export function throttleDelayMs(throttles: number): number {
  return Math.min(THROTTLE_FIRST_DELAY_MS * 2 ** throttles, THROTTLE_MAX_DELAY_MS);
}

export function retryDelayMs(retriesDone: number, firstDelayMs: number): number {
  return firstDelayMs * 2 ** retriesDone;
}

export function decide(result: TryResult, p: EventProgress, limits: RetryLimits, nowMs: number): Decision {
  if (result === 'success') return { kind: 'settle', condition: 'Success' };
  const tooOld = (delayMs: number) => nowMs + delayMs - p.enqueuedAtMs > limits.maxEventAgeSeconds * 1000;
  if (result === 'function-error') {
    const retriesDone = p.attempts - 1;
    if (retriesDone >= limits.maxRetryAttempts) return { kind: 'settle', condition: 'RetriesExhausted' };
    const delayMs = retryDelayMs(retriesDone, limits.retryDelayMs);
    if (tooOld(delayMs)) return { kind: 'settle', condition: 'EventAgeExceeded' };
    return { kind: 'retry', dueAtMs: nowMs + delayMs, throttles: 0 };
  }
  const delayMs = throttleDelayMs(p.throttles);
  if (tooOld(delayMs)) return { kind: 'settle', condition: 'EventAgeExceeded' };
  return { kind: 'retry', dueAtMs: nowMs + delayMs, throttles: p.throttles + 1 };
}
