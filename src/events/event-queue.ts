// Accepting an async event: one committed row in SQLite before the caller hears 202 (DESIGN.md:
// "every accepted async event" survives a restart), then a nudge to the workers.
import type { NewEvent, QueueRepository } from './queue-repository.js';

/** Milliseconds since the epoch; injectable so tests can age events without waiting. */
export type Clock = () => number;

// "Invoke" in the API reference: 1 MB request payload for asynchronous invocations.
export const MAX_ASYNC_PAYLOAD_BYTES = 1048576;

export class EventQueue {
  private listener: (functionName: string) => void = () => {};
  /** Events accepted over HTTP in this turn, committed together on the next (group commit). */
  private batch: { readonly events: NewEvent[]; readonly committed: Promise<void> } | undefined;

  constructor(
    private readonly repo: QueueRepository,
    readonly clock: Clock,
  ) {}

  /** Stores the event (committed when this returns) and tells the workers. */
  accept(event: NewEvent): void {
    this.repo.insert(event, this.clock());
    this.listener(event.functionName);
  }

  /**
   * The Invoke API's path: stores the event with the others accepted in the same turn, in one
   * transaction, and resolves once it is committed (or rejects if that transaction fails).
   */
  acceptSoon(event: NewEvent): Promise<void> {
    if (!this.batch) {
      const events: NewEvent[] = [];
      const committed = new Promise<void>((resolve, reject) =>
        setImmediate(() => {
          this.batch = undefined;
          try {
            this.repo.insertAll(events, this.clock());
          } catch (err) {
            reject(err as Error);
            return;
          }
          resolve();
          for (const name of new Set(events.map((e) => e.functionName))) this.listener(name);
        }),
      );
      this.batch = { events, committed };
    }
    this.batch.events.push(event);
    return this.batch.committed;
  }

  /** The async worker's hook: called after each accepted event with its function's name. */
  onAccepted(listener: (functionName: string) => void): void {
    this.listener = listener;
  }
}
