// Invocation records and log lines, queued in memory and written to SQLite in one transaction per
// batch, so the invoke path never waits on the database.
import type { Db } from '../db.js';

export interface InvocationRecord {
  readonly requestId: string;
  readonly functionName: string;
  readonly version: string;
  readonly startedAtMs: number;
  readonly durationMs: number;
  readonly billedMs: number;
  readonly memoryMb: number;
  readonly maxMemoryUsedMb: number;
  readonly initDurationMs: number | undefined;
  readonly outcome: string;
}

export interface LogEvent {
  readonly logGroup: string;
  readonly logStream: string;
  readonly timestampMs: number;
  readonly message: string;
}

/** log_streams ids kept in memory; a stream not among them is looked up again (one upsert). */
const MAX_CACHED_STREAMS = 10_000;

export class RecordWriter {
  private invocations: InvocationRecord[] = [];
  private logs: LogEvent[] = [];
  private timer: NodeJS.Timeout | undefined;
  private closed = false;
  /** log_streams ids by group and stream ("group\nstream"), as committed. */
  private readonly streamIds = new Map<string, number>();
  private readonly writeBatch: (invocations: InvocationRecord[], logs: LogEvent[]) => void;

  constructor(db: Db, private readonly flushAfterMs = 50) {
    // One row per run (migrations/008_lean_records.sql): an async event's retries each have theirs.
    const insertInvocation = db.prepare(
      `INSERT INTO invocations (request_id, function_name, version, started_at_ms, duration_ms, billed_ms,
         memory_mb, max_memory_used_mb, init_duration_ms, outcome) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    const streamId = db
      .prepare(
        `INSERT INTO log_streams (log_group, log_stream) VALUES (?, ?)
         ON CONFLICT (log_group, log_stream) DO UPDATE SET log_group = excluded.log_group RETURNING id`,
      )
      .pluck();
    const insertLine = db.prepare('INSERT INTO log_lines (stream_id, timestamp_ms, message) VALUES (?, ?, ?)');
    const streamOf = (l: LogEvent): number => {
      const key = `${l.logGroup}\n${l.logStream}`;
      let id = this.streamIds.get(key);
      if (id === undefined) {
        id = streamId.get(l.logGroup, l.logStream) as number;
        // One stream per environment ever started: a long-lived server forgets them now and then.
        if (this.streamIds.size >= MAX_CACHED_STREAMS) this.streamIds.clear();
        this.streamIds.set(key, id);
      }
      return id;
    };
    this.writeBatch = db.transaction((invocations: InvocationRecord[], logs: LogEvent[]) => {
      for (const r of invocations) {
        insertInvocation.run(r.requestId, r.functionName, r.version, r.startedAtMs, r.durationMs, r.billedMs,
          r.memoryMb, Math.round(r.maxMemoryUsedMb), r.initDurationMs ?? null, r.outcome);
      }
      for (const l of logs) insertLine.run(streamOf(l), l.timestampMs, l.message);
    });
  }

  add(invocation: InvocationRecord, logs: readonly LogEvent[]): void {
    // After close() (server shutdown) the database is gone: invocations cut short by the shutdown
    // itself are not recorded.
    if (this.closed) return;
    this.invocations.push(invocation);
    for (const l of logs) this.logs.push(l);
    this.timer ??= setTimeout(() => this.flush(), this.flushAfterMs);
  }

  /** Writes what is queued; nothing is recorded afterwards. */
  close(): void {
    this.flush();
    this.closed = true;
  }

  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.invocations.length === 0 && this.logs.length === 0) return;
    const [invocations, logs] = [this.invocations, this.logs];
    this.invocations = [];
    this.logs = [];
    try {
      this.writeBatch(invocations, logs);
    } catch (err) {
      this.streamIds.clear(); // ids of streams created in the rolled-back batch are not in the table
      throw err;
    }
  }
}
