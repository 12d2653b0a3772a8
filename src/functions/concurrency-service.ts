// Reserved concurrency per function and the account's concurrency settings (GetAccountSettings).
import { invalidParameter, validationError } from '../errors.js';
import type { FunctionService } from './function-service.js';
import type { FunctionRepository } from './repository.js';

// AWS keeps at least 100 concurrent executions unreserved ("Configuring reserved concurrency").
const MIN_UNRESERVED = 100;

export class ConcurrencyService {
  constructor(
    private readonly repo: FunctionRepository,
    private readonly functions: FunctionService,
    private readonly accountLimit: number,
    /** Provisioned concurrency of the functions without a reservation, one left out (AWS takes it out of the unreserved pool). */
    private readonly provisionedOutside: (exceptName: string) => number = () => 0,
  ) {}

  put(functionName: string, reserved: unknown): { ReservedConcurrentExecutions: number } {
    if (typeof reserved !== 'number' || !Number.isInteger(reserved) || reserved < 0) {
      throw validationError(reserved, 'reservedConcurrentExecutions', 'Member must have value greater than or equal to 0');
    }
    return this.repo.transaction(() => {
      const fn = this.functions.requireFunction(functionName);
      if (this.accountLimit - this.repo.totalReserved(fn.name) - this.provisionedOutside(fn.name) - reserved < MIN_UNRESERVED) {
        throw invalidParameter(
          "Specified ReservedConcurrentExecutions for function decreases account's UnreservedConcurrentExecution " +
            `below its minimum value of [${MIN_UNRESERVED}].`,
        );
      }
      this.repo.updateFunction({ ...fn, reservedConcurrency: reserved });
      return { ReservedConcurrentExecutions: reserved };
    });
  }

  get(functionName: string): { ReservedConcurrentExecutions?: number } {
    const fn = this.functions.requireFunction(functionName);
    return fn.reservedConcurrency === undefined ? {} : { ReservedConcurrentExecutions: fn.reservedConcurrency };
  }

  delete(functionName: string): void {
    this.repo.transaction(() => {
      const fn = this.functions.requireFunction(functionName);
      this.repo.updateFunction({ ...fn, reservedConcurrency: undefined });
    });
  }

  /** The concurrency left to functions without a reservation, less what is provisioned for them. */
  unreserved(): number {
    return this.accountLimit - this.repo.totalReserved('') - this.provisionedOutside('');
  }

  accountSettings() {
    const usage = this.repo.accountUsage();
    return {
      // Limits from the Lambda quotas page: 75 GB code storage, 250 MB unzipped, 50 MB zipped upload.
      AccountLimit: {
        TotalCodeSize: 80530636800,
        CodeSizeUnzipped: 262144000,
        CodeSizeZipped: 52428800,
        ConcurrentExecutions: this.accountLimit,
        UnreservedConcurrentExecutions: this.unreserved(),
      },
      AccountUsage: { TotalCodeSize: usage.totalCodeSize, FunctionCount: usage.functionCount },
    };
  }
}
