// The async event table's batched writes: events accepted over HTTP in one turn are committed in
// one transaction before any of their callers hears back, and finished rows are deleted together.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t, { type Test } from 'tap';
import { openDatabase } from '../../src/db.js';
import { EventQueue } from '../../src/events/event-queue.js';
import { QueueRepository, type NewEvent } from '../../src/events/queue-repository.js';

function setup(t: Test) {
  const dir = mkdtempSync(join(tmpdir(), 'lambdalite-queue-'));
  const db = openDatabase(join(dir, 'db.sqlite'));
  t.teardown(() => {
    if (db.open) db.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const repo = new QueueRepository(db);
  let commits = 0;
  const insertAll = repo.insertAll.bind(repo);
  repo.insertAll = (events, nowMs) => {
    commits++;
    insertAll(events, nowMs);
  };
  const queue = new EventQueue(repo, () => 1_000);
  const told: string[] = [];
  queue.onAccepted((name) => told.push(name));
  return { db, repo, queue, told, commits: () => commits };
}

const event = (n: number, functionName = 'f'): NewEvent => ({
  requestId: `req-${n}`, functionName, qualifier: undefined, payload: Buffer.from(`{"n":${n}}`), clientContext: undefined,
});

t.test('events accepted in one turn are committed together, before any caller resolves', async (t) => {
  const { repo, queue, told, commits } = setup(t);
  const accepted = [queue.acceptSoon(event(1)), queue.acceptSoon(event(2, 'g')), queue.acceptSoon(event(3))];
  t.equal(repo.count(), 0, 'nothing is stored within the turn');
  const order: string[] = [];
  await Promise.all(accepted.map((p, i) => p.then(() => order.push(`${i}:${repo.count()}`))));
  t.same(order, ['0:3', '1:3', '2:3'], 'each caller hears back only once all three are committed');
  t.equal(commits(), 1, 'one transaction');
  t.same(told, ['f', 'g'], 'the workers are told once per function');
  await queue.acceptSoon(event(4));
  t.equal(commits(), 2, 'a later turn is a new batch');
  t.same(repo.take('f', 2_000, 10).map((e) => e.requestId), ['req-1', 'req-3', 'req-4']);
});

t.test('a batch whose transaction fails rejects every caller in it and stores none', async (t) => {
  const { repo, queue } = setup(t);
  // The same request id twice breaks the table's UNIQUE constraint on the second insert.
  const results = await Promise.allSettled([queue.acceptSoon(event(2)), queue.acceptSoon(event(1)), queue.acceptSoon(event(1))]);
  t.same(results.map((r) => r.status), ['rejected', 'rejected', 'rejected']);
  t.equal(repo.count(), 0, 'rolled back');
});

t.test('finished rows are deleted on the next turn or by the next take, together', async (t) => {
  const { repo, queue } = setup(t);
  await Promise.all([1, 2, 3].map((n) => queue.acceptSoon(event(n))));
  const [a, b, c] = repo.take('f', 2_000, 3);
  repo.deleteSoon(a!.id);
  repo.deleteSoon(b!.id);
  t.equal(repo.count(), 3, 'still there within the turn');
  t.same(repo.take('f', 2_000, 3), [], 'a take deletes them first; the rows left are taken');
  t.equal(repo.count(), 1);
  repo.deleteSoon(c!.id);
  await new Promise((resolve) => setImmediate(resolve));
  t.equal(repo.count(), 0, 'deleted on the next turn');
});

t.test('flushDeletes writes what is held, and is safe once the database is closed', async (t) => {
  const { db, repo, queue } = setup(t);
  await queue.acceptSoon(event(1));
  const [a] = repo.take('f', 2_000, 1);
  repo.deleteSoon(a!.id);
  repo.flushDeletes();
  t.equal(repo.count(), 0);
  await queue.acceptSoon(event(2));
  const [b] = repo.take('f', 2_000, 1);
  repo.deleteSoon(b!.id);
  db.close();
  repo.flushDeletes();
  await new Promise((resolve) => setImmediate(resolve));
  t.pass('no write to a closed database');
});
