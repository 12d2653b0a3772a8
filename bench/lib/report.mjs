// The one table: rows from every group, each pointing at a numbered source (the commands that
// produced it and the load generator's own numbers), and the machine it ran on.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';

const COLUMNS = [
  ['case', (r) => r.case],
  ['c', (r) => r.c ?? ''],
  ['per second', (r) => fixed(r.perSecond, 0)],
  ['p50 ms', (r) => fixed(r.p50Ms, 3)],
  ['p99 ms', (r) => fixed(r.p99Ms, 3)],
  ['CPU s/1k', (r) => fixed(r.cpuPer1k, 3)],
  ['÷ floor, per second', (r) => times(r.floorRate)],
  ['÷ floor, p50', (r) => times(r.floorP50)],
  ['other', (r) => r.other ?? ''],
  ['source', (r) => (r.source ? `[${r.source}]` : '')],
];

const fixed = (n, digits) => (n === undefined || Number.isNaN(n) ? '' : n.toFixed(digits));
const times = (n) => (n === undefined ? '' : `${n.toFixed(2)}×`);

export class Report {
  rows = [];
  sources = [];

  /** Records the commands and raw numbers behind some rows; returns the number they cite. */
  source(lines) {
    this.sources.push(lines);
    return this.sources.length;
  }

  add(row) {
    this.rows.push(row);
  }

  markdown() {
    const cells = this.rows.map((row) => COLUMNS.map(([, cell]) => String(cell(row))));
    const out = [`| ${COLUMNS.map(([name]) => name).join(' | ')} |`, `|${COLUMNS.map(() => ' --- ').join('|')}|`];
    for (const line of cells) out.push(`| ${line.join(' | ')} |`);
    return out.join('\n');
  }

  sourcesMarkdown() {
    return this.sources.map((lines, i) => `${i + 1}. ${lines.join('\n   ')}`).join('\n');
  }
}

function quiet(command, args) {
  try {
    return execFileSync(command, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
  } catch (err) {
    return (err.stdout || err.stderr || '').toString().trim().split('\n')[0] || 'unknown';
  }
}

/** nproc, CPU model, load average, versions and the commit measured. */
export function machineFacts() {
  const model = /^model name\s*:\s*(.*)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1] ?? 'unknown CPU';
  const dirty = quiet('git', ['status', '--porcelain', '--', 'src']) ? ' (src has uncommitted changes)' : '';
  return {
    cpus: `${availableParallelism()} × ${model}`,
    node: process.version,
    wrk: quiet('wrk', ['--version']).split(' ').slice(0, 2).join(' '),
    commit: quiet('git', ['rev-parse', '--short', 'HEAD']) + dirty,
  };
}

export const load = () => loadavg().map((n) => n.toFixed(2)).join(' ');
