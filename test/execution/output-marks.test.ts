// The end-of-invocation marks a container's runtime writes on stdout and stderr: cut out of the
// output however the Engine's chunks split them, and awaited on both streams.
import { PassThrough } from 'node:stream';
import t from 'tap';
import { OutputMarks } from '../../src/execution/output-marks.js';

const TOKEN = '0123456789abcdef';
const mark = (id: string) => `\0${TOKEN} ${id}\0`;

function marks() {
  const out = new PassThrough();
  const err = new PassThrough();
  const text = { out: '', err: '' };
  out.on('data', (c: Buffer) => (text.out += c.toString('latin1')));
  err.on('data', (c: Buffer) => (text.err += c.toString('latin1')));
  return { marks: new OutputMarks(TOKEN, out, err), text };
}

/** Writes `data` into `stream` in pieces of `size` bytes, as the Engine's frames may split it. */
async function writeIn(stream: NodeJS.WritableStream, data: string, size: number): Promise<void> {
  const bytes = Buffer.from(data, 'latin1');
  for (let at = 0; at < bytes.length; at += size) {
    await new Promise<void>((resolve) => stream.write(bytes.subarray(at, at + size), () => resolve()));
  }
}

const settledWithin = async (p: Promise<void>, ms: number) =>
  Promise.race([p.then(() => true), new Promise<boolean>((resolve) => setTimeout(resolve, ms, false))]);

t.test('marks are cut out of the output, whatever the chunk size, and settle once both streams carried them', async (t) => {
  for (const size of [1, 3, 7, 1000]) {
    const { marks: m, text } = marks();
    t.equal(m.used, false);
    await writeIn(m.stdout, `hello\nworld${mark('req-1')}next\n`, size);
    t.equal(m.used, true, `chunks of ${size}`);
    const settled = m.settled('req-1', 5_000);
    t.equal(await settledWithin(settled, 100), false, `stderr has no mark yet (chunks of ${size})`);
    await writeIn(m.stderr, `oops\n${mark('req-1')}`, size);
    t.equal(await settledWithin(settled, 2_000), true, `settled once stderr carried it (chunks of ${size})`);
    t.equal(text.out, 'hello\nworldnext\n', `chunks of ${size}`);
    t.equal(text.err, 'oops\n', `chunks of ${size}`);
  }
});

t.test('NUL bytes that start no mark are output, held only until the next chunk tells', async (t) => {
  const { marks: m, text } = marks();
  await writeIn(m.stdout, 'a\0b\n', 1000);
  t.equal(text.out, 'a\0b\n');
  await writeIn(m.stdout, `x\0${TOKEN.slice(0, 4)}`, 1000); // could be a mark's start
  t.equal(text.out, 'a\0b\nx');
  await writeIn(m.stdout, 'zz\n', 1000);
  t.equal(text.out, `a\0b\nx\0${TOKEN.slice(0, 4)}zz\n`);
  await writeIn(m.stdout, `\0${TOKEN} ${'y'.repeat(300)}`, 1000); // too long for a mark
  t.match(text.out, /y{300}$/);
  await writeIn(m.stdout, `\0${TOKEN}`, 1000);
  m.stdout.end();
  await new Promise((resolve) => setImmediate(resolve));
  t.equal(text.out.endsWith(`\0${TOKEN}`), true, 'held bytes are output when the stream ends');
  t.equal(m.used, false, 'no mark was written');
});

t.test('a mark already in settles at once; a missing one after the limit; marks of other ids do not count', async (t) => {
  const { marks: m } = marks();
  await writeIn(m.stdout, mark('a'), 1000);
  await writeIn(m.stderr, mark('a'), 1000);
  t.equal(await settledWithin(m.settled('a', 5_000), 100), true);
  await writeIn(m.stdout, mark('b'), 1000);
  await writeIn(m.stderr, mark('c'), 1000);
  const started = Date.now();
  await m.settled('b', 50);
  t.ok(Date.now() - started >= 45, 'waited for the limit');
});
