// Runtimes run under SCHED_BATCH (sched(7)): normal priority and nice level, but a runtime woken
// by its Runtime API does not preempt the task that woke it. Under load that task is lambdalite's
// own event loop, which then carries on delivering events and reading answers instead of losing
// its CPU at each write (bench, c = 50: its context switches per invoke 0.38-0.49 → 0.24-0.32 and
// p99 57-161 → 52-74 ms in three alternating pairs). The policy is inherited by everything the
// runtime starts. Set through chrt (util-linux) where it is installed; elsewhere runtimes keep
// the default policy.
import { existsSync } from 'node:fs';

const CHRT = ['/usr/bin/chrt', '/bin/chrt'].find((path) => existsSync(path));

/** Whether runtimes start under SCHED_BATCH on this machine. */
export const batchSchedulingAvailable = CHRT !== undefined;

/** The process name a runtime has between its spawn and chrt's exec of the command. */
export const BATCH_LAUNCHER = 'chrt';

/** `command args` started under SCHED_BATCH: `chrt --batch 0 command args` (the pid stays the runtime's). */
export function batchScheduled(command: string, args: readonly string[]): [string, string[]] {
  return CHRT ? [CHRT, ['--batch', '0', command, ...args]] : [command, [...args]];
}
