// What becomes of an async event once its outcome is decided: the invocation record for its
// OnSuccess / OnFailure destination and the dead letter for its version's DeadLetterConfig, built
// (invocation-record.ts), stored on the event's row so a restart can finish the job, sent
// (destinations.ts, or our own queue for Lambda destinations), and only then the row deleted.
import { randomUUID } from 'node:crypto';
import { AwsError } from '../errors.js';
import { parseFunctionRef, type Account, type Arns } from '../functions/arn.js';
import type { FunctionService } from '../functions/function-service.js';
import type { FunctionVersion } from '../functions/model.js';
import { parseDestination, type Destinations } from './destinations.js';
import type { EventInvokeConfig } from './event-invoke-config-repository.js';
import type { Clock, EventQueue } from './event-queue.js';
import { deadLetter, invocationRecord, type DeadLetter, type InvocationRecord } from './invocation-record.js';
import type { LastResponse, QueuedEvent, QueueRepository } from './queue-repository.js';
import type { Condition } from './retry-policy.js';

export interface OutcomeLogger {
  warn(obj: object, msg: string): void;
}

export interface OutcomeDeps {
  readonly repo: QueueRepository;
  readonly events: Pick<EventQueue, 'accept'>;
  readonly functions: Pick<FunctionService, 'resolve'>;
  readonly destinations: Pick<Destinations, 'sendRecord' | 'sendDeadLetter'>;
  readonly arns: Arns;
  readonly account: Account;
  readonly logger: OutcomeLogger;
  readonly clock: Clock;
  /** False once the server stopped: the row is then left for the next start to finish. */
  readonly writable: () => boolean;
}

type Delivery = { kind: 'record'; target: string } | { kind: 'dead-letter'; target: string; letter: DeadLetter };

/** An outcome whose records are still to be delivered; stored on the row (`settled`). */
export interface Settlement {
  readonly record: InvocationRecord;
  readonly deliveries: readonly Delivery[];
}

export class Outcomes {
  constructor(private readonly d: OutcomeDeps) {}

  async settle(
    ev: QueuedEvent, version: FunctionVersion, config: EventInvokeConfig | undefined,
    condition: Condition, attempts: number, response: LastResponse | undefined,
  ): Promise<void> {
    const record = invocationRecord({
      requestId: ev.requestId,
      functionArn: this.d.arns.function(version.functionName, version.version),
      condition,
      approximateInvokeCount: attempts,
      requestPayload: ev.payload,
      response,
      nowMs: this.d.clock(),
    });
    const deliveries: Delivery[] = [];
    const destination = condition === 'Success' ? config?.onSuccess : config?.onFailure;
    if (destination) deliveries.push({ kind: 'record', target: destination });
    // "You can configure destinations in addition to or instead of a dead-letter queue": the
    // function version's DeadLetterConfig gets every event that fails, whatever OnFailure says.
    const dlq = version.config.deadLetterTargetArn;
    if (condition !== 'Success' && dlq) {
      deliveries.push({ kind: 'dead-letter', target: dlq, letter: deadLetter(ev.requestId, ev.payload, condition, response) });
    }
    if (deliveries.length === 0) return this.d.repo.deleteSoon(ev.id);
    const settlement: Settlement = { record, deliveries };
    this.d.repo.settle(ev.id, JSON.stringify(settlement));
    return this.deliver(ev, settlement);
  }

  /**
   * Sends the records out (SQS, SNS, EventBridge: at least once; a failed send is logged and
   * dropped, as AWS counts DestinationDeliveryFailures), then queues Lambda destinations and
   * deletes the event in one transaction.
   */
  async deliver(ev: QueuedEvent, s: Settlement): Promise<void> {
    const local: string[] = [];
    for (const d of s.deliveries) {
      const target = parseDestination(d.target);
      if (target?.kind === 'lambda' && d.kind === 'record') {
        local.push(d.target);
        continue;
      }
      try {
        if (!target) throw new Error('not an ARN');
        if (d.kind === 'record') await this.d.destinations.sendRecord(target, s.record);
        else await this.d.destinations.sendDeadLetter(target, d.letter);
      } catch (err) {
        // After a stop the send was aborted on purpose, and the row stays for the next start.
        if (this.d.writable()) {
          this.d.logger.warn({ err, requestId: ev.requestId, target: d.target, kind: d.kind }, 'could not deliver an async invocation outcome; it is dropped');
        }
      }
    }
    if (!this.d.writable()) return;
    this.d.repo.transaction(() => {
      for (const arn of local) this.queueRecord(ev, arn, s.record);
      this.d.repo.delete(ev.id);
    });
  }

  /** A Lambda destination: the record becomes an async event of that function, in our own queue. */
  private queueRecord(ev: QueuedEvent, arn: string, record: InvocationRecord): void {
    try {
      const ref = parseFunctionRef(arn, this.d.account);
      this.d.functions.resolve(ref);
      this.d.events.accept({
        requestId: randomUUID(),
        functionName: ref.name,
        qualifier: ref.qualifier,
        payload: Buffer.from(JSON.stringify(record)),
        clientContext: undefined,
      });
    } catch (err) {
      if (!(err instanceof AwsError)) throw err;
      this.d.logger.warn({ err, requestId: ev.requestId, target: arn }, 'the destination function no longer exists; the record is dropped');
    }
  }
}
