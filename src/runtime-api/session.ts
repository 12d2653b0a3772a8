// The Runtime API's view of one runtime: which calls its current state allows, the parked /next
// long-poll, and the invocation in flight. State names and allowed moves follow the RIE's
// `core/states.go` (Started → Ready → Running → InvocationResponse | InvocationErrorResponse →
// RuntimeResponseSentState → Ready ..., and Started → InitError), so refusals carry its texts.
import type { Exchange } from './exchange.js';
import { invalidStateTransition, REFUSALS, sendAccepted, sendRefusal, type Refusal } from './render.js';

export type RuntimeState =
  | 'Started'
  | 'Ready'
  | 'Running'
  | 'InvocationResponse'
  | 'InvocationErrorResponse'
  | 'RuntimeResponseSentState'
  | 'InitError';

/** Target state of each Runtime API call, and the states it may be made from. */
const ALLOWED_FROM: Readonly<Record<RuntimeState, readonly RuntimeState[]>> = {
  Started: [],
  Ready: ['Started', 'Ready', 'Running', 'RuntimeResponseSentState'],
  Running: ['Ready'],
  InvocationResponse: ['Running'],
  InvocationErrorResponse: ['Running'],
  RuntimeResponseSentState: ['InvocationResponse', 'InvocationErrorResponse'],
  InitError: ['Started'],
};

/** One invocation as the runtime receives it from /next. */
export interface RuntimeEvent {
  readonly requestId: string;
  readonly payload: Buffer;
  readonly deadlineMs: number;
  readonly invokedFunctionArn: string;
  readonly traceId: string;
  readonly clientContext: string | undefined;
  readonly cognitoIdentity: string | undefined;
}

/** What the runtime posted to /error or /init/error. */
export interface RuntimeErrorReport {
  /** errorType of a JSON body, else the Lambda-Runtime-Function-Error-Type header, else Runtime.Unknown. */
  readonly errorType: string;
  /** The body as posted (the caller receives it unchanged). */
  readonly body: Buffer;
}

/** How the Runtime API tells its execution environment what the runtime did. */
export interface RuntimeApiListener {
  /** The runtime asked for work (/next); the first call ends init. */
  ready(): void;
  initError(report: RuntimeErrorReport): void;
  response(requestId: string, body: Buffer): void;
  error(requestId: string, report: RuntimeErrorReport): void;
  responseTooLarge(requestId: string): void;
}

export type NextDelivery = (res: Exchange, event: RuntimeEvent) => void;

export class RuntimeSession {
  private current: RuntimeState = 'Started';
  /** The event the runtime is working on (Running) or will get from its next poll. */
  private event: RuntimeEvent | undefined;
  private delivered = false;
  private poller: Exchange | undefined;
  /** A /next that arrived while an answer's body was still being read (pipelined behind it). */
  private pipelined: Exchange | undefined;
  /** The 202 of an answer with a /next pipelined behind it, written just before the next event. */
  private accepted: Exchange | undefined;

  constructor(
    private readonly listener: RuntimeApiListener,
    private readonly deliver: NextDelivery,
  ) {}

  get state(): RuntimeState {
    return this.current;
  }

  /** Checks and makes a move; a refusal (RIE's 403 InvalidStateTransition) when not allowed. */
  move(to: RuntimeState): Refusal | undefined {
    if (!ALLOWED_FROM[to].includes(this.current)) return invalidStateTransition(this.current, to);
    this.current = to;
    return undefined;
  }

  /** GET /next. Re-polling while an event is in flight gets that event again, as in the RIE. */
  poll(res: Exchange): Refusal | undefined {
    const from = this.current;
    // Our runtime clients send /next right behind their answer, on the same connection, instead
    // of waiting for the 202 first: it counts once the answer is in.
    if ((from === 'InvocationResponse' || from === 'InvocationErrorResponse') && !this.pipelined) {
      this.pipelined = res;
      return undefined;
    }
    if (from === 'Running' && this.event) {
      this.deliver(res, this.event);
      return undefined;
    }
    const refusal = this.move('Ready');
    if (refusal) return refusal;
    // A newer poll replaces an older one: a client that re-polls has given up on the first.
    this.poller?.destroy();
    this.poller = res;
    res.onClose(() => {
      if (this.poller === res) this.poller = undefined;
    });
    if (from !== 'Ready') this.listener.ready();
    this.flush();
    return undefined;
  }

  /** Hands an invocation to the runtime: now if it is polling, else on its next poll. */
  dispatch(event: RuntimeEvent): void {
    if (this.event) throw new Error(`runtime is already working on ${this.event.requestId}`);
    this.event = event;
    this.delivered = false;
    this.flush();
  }

  /** Starts /response or /error for `requestId`; a refusal when the state or the id is wrong. */
  beginAnswer(requestId: string, to: 'InvocationResponse' | 'InvocationErrorResponse'): Refusal | undefined {
    if (!ALLOWED_FROM[to].includes(this.current)) return invalidStateTransition(this.current, to);
    // Checked before moving, unlike the RIE, so a wrong id does not wedge the runtime.
    if (!this.event || this.event.requestId !== requestId) return REFUSALS.invalidRequestId;
    this.current = to;
    return undefined;
  }

  /** Whether a /next waits behind the answer being read (its 202 may then wait too: holdAccepted). */
  get pollPipelined(): boolean {
    return this.pipelined !== undefined;
  }

  /**
   * Keeps an answer's 202 until the next event goes out on the same connection: the runtime,
   * whose /next is queued behind it, then wakes once per invoke instead of twice.
   */
  holdAccepted(res: Exchange): void {
    this.accepted = res;
  }

  /** The answer's body could not be read (client went away): the runtime may answer again. */
  abandonAnswer(): void {
    if (this.current === 'InvocationResponse' || this.current === 'InvocationErrorResponse') {
      this.current = 'Running';
    }
    this.takePipelinedPoll();
  }

  finishResponse(body: Buffer): void {
    const id = this.finishAnswer();
    this.listener.response(id, body);
    this.takePipelinedPoll();
  }

  finishError(report: RuntimeErrorReport): void {
    const id = this.finishAnswer();
    this.listener.error(id, report);
    this.takePipelinedPoll();
  }

  finishTooLarge(): void {
    const id = this.finishAnswer();
    this.listener.responseTooLarge(id);
    this.takePipelinedPoll();
  }

  initError(report: RuntimeErrorReport): Refusal | undefined {
    const refusal = this.move('InitError');
    if (refusal) return refusal;
    this.listener.initError(report);
    return undefined;
  }

  /** Forgets the invocation (after a timeout kill) and ends a parked poll. */
  close(): void {
    this.event = undefined;
    this.poller?.destroy();
    this.poller = undefined;
    this.pipelined?.destroy();
    this.pipelined = undefined;
    this.accepted = undefined;
  }

  /** Takes up the /next that waited behind an answer, now that the answer is settled. */
  private takePipelinedPoll(): void {
    const res = this.pipelined;
    if (!res) return;
    this.pipelined = undefined;
    const refusal = this.poll(res);
    if (refusal) sendRefusal(res, refusal);
  }

  private finishAnswer(): string {
    const id = this.event?.requestId ?? '';
    const refusal = this.move('RuntimeResponseSentState');
    if (refusal) throw new Error(refusal.errorMessage);
    this.event = undefined;
    return id;
  }

  private flush(): void {
    if (!this.event || this.delivered || !this.poller || this.current !== 'Ready') return;
    const res = this.poller;
    if (res.closed) {
      this.poller = undefined;
      return;
    }
    this.poller = undefined;
    this.delivered = true;
    this.current = 'Running';
    if (this.accepted) sendAccepted(this.accepted);
    this.accepted = undefined;
    this.deliver(res, this.event);
  }
}
