// Runs queued async events through the same path as synchronous invokes (InvokeService.run:
// concurrency lease, warm environments, records), decides retries (retry-policy.ts) and hands
// final outcomes to outcomes.ts (destinations, dead-letter targets).
//
// Fairness: a bounded p-queue (`workers`) runs events, and no function holds more than
// `perFunction` of them; each pump shares the free workers out round-robin between the functions
// with due events, so one slow or failing function cannot starve the others (failures and throttles
// wait in the table for their retry time, holding no worker).
//
// Durability: a row leaves the table only once its outcome is settled and delivered. Results that
// arrive after stop() are dropped without touching the table: those events run again after the
// restart, as AWS allows ("it's possible for it to receive the same event from Lambda multiple
// times").
import PQueue from 'p-queue';
import { AwsError } from '../errors.js';
import type { Account, Arns } from '../functions/arn.js';
import type { FunctionService } from '../functions/function-service.js';
import type { FunctionVersion } from '../functions/model.js';
import type { RunOutcome, RunRequest } from '../invoke/invoke-service.js';
import { pickVersion } from '../invoke/weighted-routing.js';
import type { Destinations } from './destinations.js';
import type { EventInvokeConfig } from './event-invoke-config-repository.js';
import type { Clock, EventQueue } from './event-queue.js';
import { Outcomes, type Settlement } from './outcomes.js';
import type { QueuedEvent, QueueRepository } from './queue-repository.js';
import {
  decide, DEFAULT_MAX_EVENT_AGE_SECONDS, DEFAULT_MAX_RETRY_ATTEMPTS, expired, throttleDelayMs, type RetryLimits, type TryResult,
} from './retry-policy.js';

export interface WorkerLogger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export interface AsyncWorkerDeps {
  readonly repo: QueueRepository;
  readonly events: EventQueue;
  readonly runner: { run(req: RunRequest): Promise<RunOutcome> };
  readonly functions: FunctionService;
  readonly configs: { forInvocation(functionName: string, qualifier: string | undefined): EventInvokeConfig | undefined };
  readonly destinations: Pick<Destinations, 'sendRecord' | 'sendDeadLetter'>;
  readonly arns: Arns;
  readonly account: Account;
  readonly logger: WorkerLogger;
  readonly clock: Clock;
  /** Events run at once over all functions. */
  readonly workers: number;
  /** Events of one function run at once. */
  readonly perFunction: number;
  readonly retryDelayMs: number;
  /** Longest sleep between looks at the table when events are waiting (clock jumps, injected clocks). */
  readonly idlePollMs?: number;
}

type WorkerState = 'new' | 'running' | 'stopped';
const MOVES: Record<WorkerState, readonly WorkerState[]> = {
  new: ['running', 'stopped'],
  running: ['stopped'],
  stopped: [],
};

export class AsyncWorker {
  private state: WorkerState = 'new';
  private readonly queue: PQueue;
  /** Functions that have rows in the table (or may have). */
  private readonly pending = new Set<string>();
  private readonly inFlight = new Map<string, number>();
  private busy = 0;
  private rotation = 0;
  private pumpScheduled = false;
  private timer: NodeJS.Timeout | undefined;
  private readonly outcomes: Outcomes;

  constructor(private readonly d: AsyncWorkerDeps) {
    this.queue = new PQueue({ concurrency: d.workers });
    this.outcomes = new Outcomes({ ...d, writable: () => this.writable() });
  }

  /** Takes over the table: marks left by a server that died are cleared, so those events run again. */
  start(): void {
    this.move('running');
    const released = this.d.repo.releaseAll();
    if (released > 0) this.d.logger.info({ events: released }, 'async events that were running when the server stopped run again');
    for (const name of this.d.repo.functionsWithEvents()) this.pending.add(name);
    this.d.events.onAccepted((name) => {
      this.pending.add(name);
      this.schedulePump();
    });
    this.schedulePump();
  }

  /**
   * Stops taking events and abandons the running ones: whatever they answer is not written (their
   * environments are being stopped with the server), so they stay in the table and run again
   * after the next start. Idempotent.
   */
  stop(): void {
    if (this.state === 'stopped') return;
    this.move('stopped');
    clearTimeout(this.timer);
    this.queue.clear();
    this.d.repo.flushDeletes();
  }

  /** For tests and diagnostics: events in the table, and those running now. */
  stats(): { queued: number; running: number } {
    return { queued: this.d.repo.count(), running: this.busy };
  }

  private move(to: WorkerState): void {
    if (!MOVES[this.state].includes(to)) throw new Error(`async worker: no move from ${this.state} to ${to}`);
    this.state = to;
  }

  /** Whether results may still be written (not after stop() gave up on them). */
  private writable(): boolean {
    return this.state === 'running';
  }

  private schedulePump(): void {
    if (this.pumpScheduled || this.state !== 'running') return;
    this.pumpScheduled = true;
    setImmediate(() => {
      this.pumpScheduled = false;
      this.pump();
    });
  }

  private capLeft(name: string): number {
    return this.d.perFunction - (this.inFlight.get(name) ?? 0);
  }

  /** Shares the free workers out between the functions with due events, round-robin. */
  private pump(): void {
    clearTimeout(this.timer);
    if (this.state !== 'running') return;
    const now = this.d.clock();
    let free = this.d.workers - this.busy;
    const names = [...this.pending];
    const start = names.length === 0 ? 0 : this.rotation++ % names.length;
    let active = [...names.slice(start), ...names.slice(0, start)].filter((n) => this.capLeft(n) > 0);
    while (free > 0 && active.length > 0) {
      const share = Math.ceil(free / active.length);
      const more: string[] = [];
      for (const name of active) {
        const want = Math.min(share, this.capLeft(name), free);
        if (want <= 0) break;
        const taken = this.d.repo.take(name, now, want);
        for (const ev of taken) this.dispatch(ev);
        free -= taken.length;
        if (taken.length === want && this.capLeft(name) > 0) more.push(name);
      }
      active = more;
    }
    if (free > 0) this.scheduleWake(now);
  }

  /** Sleeps until the next event is due (at most idlePollMs); forgets functions with nothing left. */
  private scheduleWake(now: number): void {
    let next = Infinity;
    for (const name of this.pending) {
      const due = this.d.repo.nextDue(name);
      if (due === undefined) {
        if (!this.inFlight.get(name)) this.pending.delete(name);
      } else if (this.capLeft(name) > 0) {
        next = Math.min(next, due);
      }
    }
    if (next === Infinity) return;
    const delay = Math.max(0, Math.min(next - now, this.d.idlePollMs ?? 1000));
    this.timer = setTimeout(() => this.pump(), delay);
  }

  private dispatch(ev: QueuedEvent): void {
    this.busy++;
    this.inFlight.set(ev.functionName, (this.inFlight.get(ev.functionName) ?? 0) + 1);
    void this.queue
      .add(() => this.process(ev))
      .catch((err: unknown) => this.failed(ev, err))
      .finally(() => {
        this.busy--;
        const n = (this.inFlight.get(ev.functionName) ?? 1) - 1;
        if (n === 0) this.inFlight.delete(ev.functionName);
        else this.inFlight.set(ev.functionName, n);
        this.schedulePump();
      });
  }

  /** A bug or a database error while handling an event: log it and try the event again later. */
  private failed(ev: QueuedEvent, err: unknown): void {
    this.d.logger.error({ err, requestId: ev.requestId }, 'handling an async event failed; it will be tried again');
    if (!this.writable()) return;
    try {
      this.d.repo.reschedule(ev.id, this.d.clock() + throttleDelayMs(ev.throttles), ev.attempts, ev.throttles + 1, ev.lastResponse);
    } catch (again) {
      this.d.logger.error({ err: again, requestId: ev.requestId }, 'could not put the async event back; it runs after a restart');
    }
  }

  private limits(config: EventInvokeConfig | undefined): RetryLimits {
    return {
      maxRetryAttempts: config?.maximumRetryAttempts ?? DEFAULT_MAX_RETRY_ATTEMPTS,
      maxEventAgeSeconds: config?.maximumEventAgeSeconds ?? DEFAULT_MAX_EVENT_AGE_SECONDS,
      retryDelayMs: this.d.retryDelayMs,
    };
  }

  private async process(ev: QueuedEvent): Promise<void> {
    if (ev.settled !== undefined) return this.outcomes.deliver(ev, JSON.parse(ev.settled) as Settlement);
    const version = this.resolve(ev);
    if (!version) return;
    const config = this.d.configs.forInvocation(ev.functionName, ev.qualifier);
    const limits = this.limits(config);
    if (expired(ev, limits, this.d.clock())) return this.outcomes.settle(ev, version, config, 'EventAgeExceeded', ev.attempts, ev.lastResponse);
    // Reserved concurrency 0 stops a function: AWS sends its async events straight to the failure
    // destination / dead-letter queue, unrun (condition ZeroReservedConcurrency, in LocalStack's
    // AWS-recorded test_reserved_concurrency_async_queue).
    if (this.d.functions.requireFunction(ev.functionName).reservedConcurrency === 0) {
      return this.outcomes.settle(ev, version, config, 'ZeroReservedConcurrency', ev.attempts, ev.lastResponse);
    }
    let tried: TryResult;
    let attempts = ev.attempts;
    let response = ev.lastResponse;
    try {
      const { result } = await this.d.runner.run({
        version,
        invokedFunctionArn: this.d.arns.function(ev.functionName, ev.qualifier),
        requestId: ev.requestId,
        payload: ev.payload,
        clientContext: ev.clientContext,
      });
      attempts += 1;
      const functionError = result.outcome === 'success' ? undefined : 'Unhandled';
      response = { statusCode: 200, executedVersion: version.version, functionError, payload: result.payload.toString('utf8') };
      tried = functionError ? 'function-error' : 'success';
    } catch (err) {
      tried = err instanceof AwsError && err.type === 'TooManyRequestsException' ? 'throttled' : 'system-error';
      if (tried === 'system-error' && this.state === 'running') {
        this.d.logger.warn({ err, requestId: ev.requestId }, 'an async event hit a system error; it will be retried');
      }
    }
    if (!this.writable()) return;
    const decision = decide(tried, { enqueuedAtMs: ev.enqueuedAtMs, attempts, throttles: ev.throttles }, limits, this.d.clock());
    if (decision.kind === 'retry') return this.d.repo.reschedule(ev.id, decision.dueAtMs, attempts, decision.throttles, response);
    return this.outcomes.settle(ev, version, config, decision.condition, attempts, response);
  }

  /** The version to run (an alias picks by its weights now); a function or alias that is gone drops the event. */
  private resolve(ev: QueuedEvent): FunctionVersion | undefined {
    try {
      return this.d.functions.resolve({ name: ev.functionName, qualifier: ev.qualifier }, (a) => pickVersion(a.functionVersion, a.additionalVersionWeights));
    } catch (err) {
      if (!(err instanceof AwsError) || err.type !== 'ResourceNotFoundException') throw err;
      this.d.logger.warn({ requestId: ev.requestId, functionName: ev.functionName, qualifier: ev.qualifier },
        'dropping an async event: its function, version or alias no longer exists');
      this.d.repo.delete(ev.id);
      return undefined;
    }
  }
}
