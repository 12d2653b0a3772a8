// The execution environment's states (DESIGN.md): starting → idle ⇄ busy → stopping → stopped,
// and dead when the process dies or init fails. Any move not in the table throws.
export type EnvironmentState = 'starting' | 'idle' | 'busy' | 'stopping' | 'stopped' | 'dead';

export const TRANSITIONS: Readonly<Record<EnvironmentState, readonly EnvironmentState[]>> = {
  starting: ['idle', 'stopping', 'dead'],
  idle: ['busy', 'stopping', 'dead'],
  busy: ['idle', 'stopping', 'dead'],
  stopping: ['stopped'],
  stopped: [],
  dead: [],
};

export class IllegalTransitionError extends Error {
  constructor(
    readonly from: EnvironmentState,
    readonly to: EnvironmentState,
  ) {
    super(`execution environment cannot move from ${from} to ${to}`);
    this.name = 'IllegalTransitionError';
  }
}

export class EnvironmentStateMachine {
  private current: EnvironmentState = 'starting';

  get state(): EnvironmentState {
    return this.current;
  }

  can(to: EnvironmentState): boolean {
    return TRANSITIONS[this.current].includes(to);
  }

  moveTo(to: EnvironmentState): void {
    if (!this.can(to)) throw new IllegalTransitionError(this.current, to);
    this.current = to;
  }
}
