// SQL for the durable async event queue (migrations/003_async_events.sql), and nothing else: the
// rules of retries and outcomes live in retry-policy.ts and async-worker.ts.
import type { Db } from '../db.js';

export interface NewEvent {
  readonly requestId: string;
  readonly functionName: string;
  readonly qualifier: string | undefined;
  readonly payload: Buffer;
  readonly clientContext: string | undefined;
}

/** What the last run of the function answered, kept for the records of a later outcome. */
export interface LastResponse {
  readonly statusCode: number;
  readonly executedVersion: string;
  readonly functionError: string | undefined;
  /** The response payload as text (JSON, or an error payload). */
  readonly payload: string;
}

export interface QueuedEvent extends NewEvent {
  readonly id: number;
  readonly enqueuedAtMs: number;
  readonly dueAtMs: number;
  readonly attempts: number;
  readonly throttles: number;
  readonly lastResponse: LastResponse | undefined;
  /** Set once the outcome is decided and only its records are left to deliver. */
  readonly settled: string | undefined;
}

interface EventRow {
  id: number;
  request_id: string;
  function_name: string;
  qualifier: string | null;
  payload: Buffer;
  client_context: string | null;
  enqueued_at_ms: number;
  due_at_ms: number;
  attempts: number;
  throttles: number;
  last_response: string | null;
  settled: string | null;
}

const toEvent = (r: EventRow): QueuedEvent => ({
  id: r.id,
  requestId: r.request_id,
  functionName: r.function_name,
  qualifier: r.qualifier ?? undefined,
  payload: r.payload,
  clientContext: r.client_context ?? undefined,
  enqueuedAtMs: r.enqueued_at_ms,
  dueAtMs: r.due_at_ms,
  attempts: r.attempts,
  throttles: r.throttles,
  lastResponse: r.last_response === null ? undefined : (JSON.parse(r.last_response) as LastResponse),
  settled: r.settled ?? undefined,
});

export class QueueRepository {
  private readonly insertStmt;
  private readonly readyStmt;
  private readonly takeStmt;
  private readonly deleteStmt;
  private readonly rescheduleStmt;
  private readonly settleStmt;
  private readonly nextDueStmt;
  private readonly functionsStmt;
  /** Rows of finished events, deleted together on the next turn (or by the next take). */
  private finished: number[] = [];

  constructor(private readonly db: Db) {
    this.insertStmt = db.prepare(
      `INSERT INTO async_events (request_id, function_name, qualifier, payload, client_context, enqueued_at_ms, due_at_ms)
       VALUES (?, ?, ?, ?, ?, ?, ?)`,
    );
    this.readyStmt = db.prepare(
      `SELECT * FROM async_events WHERE function_name = ? AND taken_at_ms IS NULL AND due_at_ms <= ?
       ORDER BY due_at_ms, id LIMIT ?`,
    );
    this.takeStmt = db.prepare('UPDATE async_events SET taken_at_ms = ? WHERE id = ?');
    this.deleteStmt = db.prepare('DELETE FROM async_events WHERE id = ?');
    this.rescheduleStmt = db.prepare(
      `UPDATE async_events SET due_at_ms = ?, attempts = ?, throttles = ?, last_response = ?, taken_at_ms = NULL
       WHERE id = ?`,
    );
    this.settleStmt = db.prepare('UPDATE async_events SET settled = ? WHERE id = ?');
    this.nextDueStmt = db.prepare(
      'SELECT MIN(due_at_ms) FROM async_events WHERE function_name = ? AND taken_at_ms IS NULL',
    ).pluck();
    this.functionsStmt = db.prepare('SELECT DISTINCT function_name FROM async_events').pluck();
  }

  transaction<T>(fn: () => T): T {
    return this.db.transaction(fn)();
  }

  /** Inserts and commits (better-sqlite3 runs it at once, outside any transaction). */
  insert(e: NewEvent, nowMs: number, dueAtMs = nowMs): void {
    this.insertStmt.run(e.requestId, e.functionName, e.qualifier ?? null, e.payload, e.clientContext ?? null, nowMs, dueAtMs);
  }

  /** Inserts every event and commits once. */
  insertAll(events: readonly NewEvent[], nowMs: number): void {
    this.transaction(() => {
      for (const e of events) this.insert(e, nowMs);
    });
  }

  /** Marks up to `limit` due events of one function as taken, oldest due first, and returns them. */
  take(functionName: string, nowMs: number, limit: number): QueuedEvent[] {
    if (limit <= 0) return [];
    return this.transaction(() => {
      this.deleteFinished();
      const rows = (this.readyStmt.all(functionName, nowMs, limit) as EventRow[]).map(toEvent);
      for (const r of rows) this.takeStmt.run(nowMs, r.id);
      return rows;
    });
  }

  delete(id: number): void {
    this.deleteStmt.run(id);
  }

  /**
   * Deletes a finished event's row on the next turn, in one transaction with the other rows
   * finished meanwhile (or in the next take's). Until then the row stays taken, so nothing runs
   * it; a crash in between runs the event again, as AWS allows.
   */
  deleteSoon(id: number): void {
    this.finished.push(id);
    if (this.finished.length === 1) setImmediate(() => this.flushDeletes());
  }

  /** Deletes the rows deleteSoon() holds now (the async worker's stop, and the next turn). */
  flushDeletes(): void {
    if (this.finished.length > 0 && this.db.open) this.transaction(() => this.deleteFinished());
  }

  private deleteFinished(): void {
    const ids = this.finished;
    this.finished = [];
    for (const id of ids) this.deleteStmt.run(id);
  }

  /** Gives a taken event back to the queue, due again at `dueAtMs`, with its counters. */
  reschedule(id: number, dueAtMs: number, attempts: number, throttles: number, last: LastResponse | undefined): void {
    this.rescheduleStmt.run(dueAtMs, attempts, throttles, last === undefined ? null : JSON.stringify(last), id);
  }

  settle(id: number, outcome: string): void {
    this.settleStmt.run(outcome, id);
  }

  /** The earliest due time of a function's events that nobody holds, if any. */
  nextDue(functionName: string): number | undefined {
    return (this.nextDueStmt.get(functionName) as number | null) ?? undefined;
  }

  /** Every function with queued events (at start-up). */
  functionsWithEvents(): string[] {
    return this.functionsStmt.all() as string[];
  }

  /** Start-up: whatever a previous server held is free again (it may have run, it runs again). */
  releaseAll(): number {
    return this.db.prepare('UPDATE async_events SET taken_at_ms = NULL WHERE taken_at_ms IS NOT NULL').run().changes;
  }

  count(): number {
    return this.db.prepare('SELECT COUNT(*) FROM async_events').pluck().get() as number;
  }
}
