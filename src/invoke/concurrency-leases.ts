// Concurrency leases: every in-flight invocation holds one, released in `finally`. A function with
// reserved concurrency draws from its own pool of that size; the others share what the account
// limit leaves unreserved ("Lambda function scaling" / "Configuring reserved concurrency"). A
// function without a reservation but with provisioned concurrency has that much set aside for it
// out of the unreserved pool; only invocations beyond it draw from the shared rest.
import { AwsError } from '../errors.js';

export type Release = () => void;

function throttled(reason: string): AwsError {
  // TooManyRequestsException: `Reason` in the body, `retryAfterSeconds` bound to Retry-After.
  return new AwsError('TooManyRequestsException', 'Rate Exceeded.', {
    extra: { Reason: reason },
    headers: { 'retry-after': '1' },
  });
}

export class ConcurrencyLeases {
  private readonly perFunction = new Map<string, number>();
  private unreservedInFlight = 0;

  /**
   * @param unreservedPool the account limit minus every reservation, read per call because
   *   reservations change while the server runs; provisioned concurrency outside reservations included.
   * @param provisioned a function's provisioned concurrency (every version and alias together).
   */
  constructor(
    private readonly unreservedPool: () => number,
    private readonly provisioned: (functionName: string) => number = () => 0,
  ) {}

  acquire(functionName: string, reserved: number | undefined): Release {
    const inFlight = this.perFunction.get(functionName) ?? 0;
    const shared = reserved === undefined && inFlight >= this.provisioned(functionName);
    if (reserved !== undefined) {
      if (inFlight >= reserved) throw throttled('ReservedFunctionConcurrentInvocationLimitExceeded');
    } else if (shared) {
      if (this.unreservedInFlight >= this.unreservedPool()) throw throttled('ConcurrentInvocationLimitExceeded');
      this.unreservedInFlight++;
    }
    this.perFunction.set(functionName, inFlight + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      if (shared) this.unreservedInFlight--;
      const n = (this.perFunction.get(functionName) ?? 1) - 1;
      if (n === 0) this.perFunction.delete(functionName);
      else this.perFunction.set(functionName, n);
    };
  }

  inFlight(functionName: string): number {
    return this.perFunction.get(functionName) ?? 0;
  }
}
