// The end-of-invocation marks a container's runtime writes on its stdout: cut out of the output
// however the Engine's chunks split them, and awaited.
import { PassThrough } from 'node:stream';
import t from 'tap';
import { OutputMarks } from '../../src/execution/output-marks.js';

const TOKEN = '0123456789abcdef';
const mark = (id: string) => `\0${TOKEN} ${id}\0`;

function marks() {
  const out = new PassThrough();
  const seen = { text: '' };
  out.on('data', (c: Buffer) => (seen.text += c.toString('latin1')));
  return { marks: new OutputMarks(TOKEN, out), seen };
}

/** Writes `data` in pieces of `size` bytes, as the Engine's frames may split it. */
async function writeIn(m: OutputMarks, data: string, size: number): Promise<void> {
  const bytes = Buffer.from(data, 'latin1');
  for (let at = 0; at < bytes.length; at += size) {
    await new Promise<void>((resolve) => m.writable.write(bytes.subarray(at, at + size), () => resolve()));
  }
}

const settledWithin = async (p: Promise<void>, ms: number) =>
  Promise.race([p.then(() => true), new Promise<boolean>((resolve) => setTimeout(resolve, ms, false))]);

t.test('marks are cut out of the output whatever the chunk size, and settle their invocation', async (t) => {
  for (const size of [1, 3, 7, 1000]) {
    const { marks: m, seen } = marks();
    t.equal(m.used, false);
    const settled = m.settled('req-1', 5_000);
    await writeIn(m, 'hello\nwor', size);
    t.equal(await settledWithin(settled, 50), false, `no mark yet (chunks of ${size})`);
    await writeIn(m, `ld${mark('req-1')}next\n`, size);
    t.equal(m.used, true, `chunks of ${size}`);
    t.equal(await settledWithin(settled, 2_000), true, `settled by its mark (chunks of ${size})`);
    t.equal(seen.text, 'hello\nworldnext\n', `chunks of ${size}`);
  }
});

t.test('NUL bytes that start no mark are output, held only until the next chunk tells', async (t) => {
  const { marks: m, seen } = marks();
  await writeIn(m, 'a\0b\n', 1000);
  t.equal(seen.text, 'a\0b\n');
  await writeIn(m, `x\0${TOKEN.slice(0, 4)}`, 1000); // could be a mark's start
  t.equal(seen.text, 'a\0b\nx');
  await writeIn(m, 'zz\n', 1000);
  t.equal(seen.text, `a\0b\nx\0${TOKEN.slice(0, 4)}zz\n`);
  await writeIn(m, `\0${TOKEN} ${'y'.repeat(300)}`, 1000); // too long for a mark
  t.match(seen.text, /y{300}$/);
  await writeIn(m, `\0${TOKEN}`, 1000);
  m.writable.end();
  await new Promise((resolve) => setImmediate(resolve));
  t.equal(seen.text.endsWith(`\0${TOKEN}`), true, 'held bytes are output when the stream ends');
  t.equal(m.used, false, 'no mark was written');
});

t.test('a mark already in settles at once; a missing one after the limit; marks of other ids do not count', async (t) => {
  const { marks: m } = marks();
  await writeIn(m, mark('a'), 1000);
  t.equal(await settledWithin(m.settled('a', 5_000), 100), true);
  await writeIn(m, mark('c'), 1000);
  const started = Date.now();
  await m.settled('b', 50);
  t.ok(Date.now() - started >= 45, 'waited for the limit');
});
