// Pure pieces of the execution layer, as tables of cases.
import t from 'tap';
import { EnvironmentStateMachine, TRANSITIONS, type EnvironmentState } from '../../src/execution/environment-state.js';
import { exited, timedOut } from '../../src/execution/failures.js';
import { logStreamName } from '../../src/execution/log-stream.js';

t.test('environment transitions: allowed moves pass, every other move throws', async (t) => {
  const states = Object.keys(TRANSITIONS) as EnvironmentState[];
  const paths: Record<EnvironmentState, EnvironmentState[]> = {
    starting: [],
    idle: ['idle'],
    busy: ['idle', 'busy'],
    stopping: ['stopping'],
    stopped: ['stopping', 'stopped'],
    dead: ['dead'],
  };
  for (const from of states) {
    for (const to of states) {
      const machine = new EnvironmentStateMachine();
      for (const step of paths[from]) machine.moveTo(step);
      t.equal(machine.state, from);
      const allowed = TRANSITIONS[from].includes(to);
      if (allowed) t.doesNotThrow(() => machine.moveTo(to), `${from} → ${to}`);
      else t.throws(() => machine.moveTo(to), { name: 'IllegalTransitionError' }, `${from} → ${to} refused`);
    }
  }
  t.same(TRANSITIONS, {
    starting: ['idle', 'stopping', 'dead'],
    idle: ['busy', 'stopping', 'dead'],
    busy: ['idle', 'stopping', 'dead'],
    stopping: ['stopped'],
    stopped: [],
    dead: [],
  });
});

t.test('exit texts as AWS prints them', async (t) => {
  const cases: [Parameters<typeof exited>[1], string, string][] = [
    [{ code: 1, signal: null, oomKilled: false }, 'Runtime.ExitError', 'Runtime exited with error: exit status 1'],
    [{ code: 0, signal: null, oomKilled: false }, 'Runtime.ExitError', 'Runtime exited without providing a reason'],
    [{ code: null, signal: 'SIGKILL', oomKilled: false }, 'Runtime.ExitError', 'Runtime exited with error: signal: killed'],
    [{ code: null, signal: 'SIGSEGV', oomKilled: false }, 'Runtime.ExitError', 'Runtime exited with error: signal: segmentation fault'],
    [{ code: null, signal: 'SIGKILL', oomKilled: true }, 'Runtime.OutOfMemory', 'Runtime exited with error: signal: killed'],
  ];
  for (const [exit, errorType, text] of cases) {
    t.same(JSON.parse(exited('r-1', exit).payload.toString()), { errorType, errorMessage: `RequestId: r-1 Error: ${text}` });
  }
  t.same(JSON.parse(timedOut('r-2', 3).payload.toString()), {
    errorType: 'Sandbox.Timedout',
    errorMessage: 'RequestId: r-2 Error: Task timed out after 3.00 seconds',
  });
});

t.test('log stream names', async (t) => {
  const id = '0123456789abcdef0123456789abcdef';
  t.equal(logStreamName('$LATEST', id, new Date('2024-03-05T23:59:59Z')), `2024/03/05/[$LATEST]${id}`);
  t.equal(logStreamName('7', id, new Date('2024-12-31T00:00:00Z')), `2024/12/31/[7]${id}`);
});
