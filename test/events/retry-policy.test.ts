// The retry policy as a table: what AWS does after each try of an async event ("How Lambda handles
// errors and retries with asynchronous invocation").
import t from 'tap';
import { decide, expired, throttleDelayMs, type Decision, type RetryLimits, type TryResult } from '../../src/events/retry-policy.js';

const MIN = 60_000;
const AWS: RetryLimits = { maxRetryAttempts: 2, maxEventAgeSeconds: 21600, retryDelayMs: MIN };
const T0 = 1_000_000;

interface Case {
  readonly name: string;
  readonly result: TryResult;
  readonly attempts: number;
  readonly throttles?: number;
  readonly limits?: Partial<RetryLimits>;
  /** How long after acceptance this try ended. */
  readonly atMs?: number;
  /** `retry` waits `afterMs` from the end of this try. */
  readonly expect: { kind: 'settle'; condition: string } | { kind: 'retry'; afterMs: number; throttles: number };
}

const cases: Case[] = [
  { name: 'success settles at once', result: 'success', attempts: 1, expect: { kind: 'settle', condition: 'Success' } },
  { name: 'success on the last retry', result: 'success', attempts: 3, expect: { kind: 'settle', condition: 'Success' } },
  { name: 'first function error: retry after 1 minute', result: 'function-error', attempts: 1, expect: { kind: 'retry', afterMs: MIN, throttles: 0 } },
  { name: 'second function error: retry after 2 minutes', result: 'function-error', attempts: 2, atMs: MIN, expect: { kind: 'retry', afterMs: 2 * MIN, throttles: 0 } },
  { name: 'third function error: retries exhausted', result: 'function-error', attempts: 3, atMs: 3 * MIN, expect: { kind: 'settle', condition: 'RetriesExhausted' } },
  { name: 'MaximumRetryAttempts 0: the first error is final', result: 'function-error', attempts: 1, limits: { maxRetryAttempts: 0 }, expect: { kind: 'settle', condition: 'RetriesExhausted' } },
  { name: 'MaximumRetryAttempts 1: one retry', result: 'function-error', attempts: 1, limits: { maxRetryAttempts: 1 }, expect: { kind: 'retry', afterMs: MIN, throttles: 0 } },
  { name: 'the configured first delay, then twice it', result: 'function-error', attempts: 2, limits: { retryDelayMs: 200 }, atMs: 200, expect: { kind: 'retry', afterMs: 400, throttles: 0 } },
  { name: 'a function error resets the throttle backoff', result: 'function-error', attempts: 1, throttles: 5, limits: { retryDelayMs: 10 }, expect: { kind: 'retry', afterMs: 10, throttles: 0 } },
  // AWS's test_maxeventage: with a 60 s maximum age the first retry (1 minute later) would be too late.
  { name: 'max age 60 s: no retry after an error', result: 'function-error', attempts: 1, limits: { maxEventAgeSeconds: 60 }, atMs: 1000, expect: { kind: 'settle', condition: 'EventAgeExceeded' } },
  { name: 'max age 90 s: one retry, then too old', result: 'function-error', attempts: 1, limits: { maxEventAgeSeconds: 90 }, atMs: 1000, expect: { kind: 'retry', afterMs: MIN, throttles: 0 } },
  { name: 'max age 90 s: second error comes too late', result: 'function-error', attempts: 2, limits: { maxEventAgeSeconds: 90 }, atMs: 62_000, expect: { kind: 'settle', condition: 'EventAgeExceeded' } },
  { name: 'throttled: back in 1 s', result: 'throttled', attempts: 0, expect: { kind: 'retry', afterMs: 1000, throttles: 1 } },
  { name: 'throttled again: 2 s', result: 'throttled', attempts: 0, throttles: 1, expect: { kind: 'retry', afterMs: 2000, throttles: 2 } },
  { name: 'throttled a 4th time: 8 s', result: 'throttled', attempts: 0, throttles: 3, expect: { kind: 'retry', afterMs: 8000, throttles: 4 } },
  { name: 'throttles do not count against MaximumRetryAttempts', result: 'throttled', attempts: 3, throttles: 0, expect: { kind: 'retry', afterMs: 1000, throttles: 1 } },
  { name: 'system errors back off like throttles', result: 'system-error', attempts: 1, throttles: 2, expect: { kind: 'retry', afterMs: 4000, throttles: 3 } },
  { name: 'backoff stops growing at 5 minutes', result: 'throttled', attempts: 0, throttles: 20, expect: { kind: 'retry', afterMs: 300_000, throttles: 21 } },
  { name: 'throttled until the maximum age: given up', result: 'throttled', attempts: 0, throttles: 5, limits: { maxEventAgeSeconds: 60 }, atMs: 59_000, expect: { kind: 'settle', condition: 'EventAgeExceeded' } },
  { name: 'throttled just inside the maximum age: once more', result: 'throttled', attempts: 0, throttles: 0, limits: { maxEventAgeSeconds: 60 }, atMs: 58_000, expect: { kind: 'retry', afterMs: 1000, throttles: 1 } },
];

t.test('decide: retry or settle after each try', async (t) => {
  for (const c of cases) {
    const limits = { ...AWS, ...c.limits };
    const now = T0 + (c.atMs ?? 0);
    const expected: Decision = c.expect.kind === 'retry'
      ? { kind: 'retry', dueAtMs: now + c.expect.afterMs, throttles: c.expect.throttles }
      : (c.expect as Decision);
    t.same(decide(c.result, { enqueuedAtMs: T0, attempts: c.attempts, throttles: c.throttles ?? 0 }, limits, now), expected, c.name);
  }
});

t.test('expired: older than the maximum age is not run at all', async (t) => {
  const limits = { ...AWS, maxEventAgeSeconds: 60 };
  t.equal(expired({ enqueuedAtMs: T0 }, limits, T0 + 60_000), false, 'exactly 60 s old still runs');
  t.equal(expired({ enqueuedAtMs: T0 }, limits, T0 + 60_001), true);
  t.equal(expired({ enqueuedAtMs: T0 }, AWS, T0 + 6 * 3600_000 + 1), true, 'the default is 6 hours');
});

t.test('throttle backoff: 1 s doubling to 5 minutes', async (t) => {
  t.same([0, 1, 2, 3, 8, 9, 30].map(throttleDelayMs), [1000, 2000, 4000, 8000, 256_000, 300_000, 300_000]);
});
