import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { lstat, readdir, readFile, readlink, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import t, { type Test } from 'tap';
import yazl from 'yazl';
import { AwsError } from '../../src/errors.js';
import { CodeStore } from '../../src/functions/code-store.js';

interface ZipEntry {
  name: string;
  data: string | Buffer;
  mode?: number;
  compress?: boolean;
}

async function makeZip(entries: ZipEntry[]): Promise<Buffer> {
  const zip = new yazl.ZipFile();
  for (const e of entries) {
    zip.addBuffer(Buffer.from(e.data), e.name, { mode: e.mode ?? 0o100644, compress: e.compress ?? true });
  }
  zip.end();
  const chunks: Buffer[] = [];
  for await (const chunk of zip.outputStream as AsyncIterable<Buffer>) chunks.push(chunk);
  return Buffer.concat(chunks);
}

/** Replaces every occurrence of `from` (local header and central directory) with a same-length name. */
function patchName(zip: Buffer, from: string, to: string): Buffer {
  if (from.length !== to.length) throw new Error('names must have the same length');
  const out = Buffer.from(zip);
  let hits = 0;
  for (let at = out.indexOf(from); at !== -1; at = out.indexOf(from, at + 1), hits++) out.write(to, at, 'latin1');
  if (hits !== 2) throw new Error(`expected the name twice, found it ${hits} times`);
  return out;
}

const UNZIP_MESSAGE = 'Could not unzip uploaded file. Please check your file, then try to upload again.';

async function setup(t: Test, maxUnzippedBytes?: number) {
  const dataDir = t.testdir({ 'outside.txt': 'must not be touched' });
  return { dataDir, store: new CodeStore({ dataDir, maxUnzippedBytes }) };
}

/** The upload is refused as AWS refuses it, and the store holds nothing afterwards. */
async function assertRejected(t: Test, zip: Buffer, message: string | RegExp, maxUnzippedBytes?: number) {
  const { dataDir, store } = await setup(t, maxUnzippedBytes);
  const err = await store.put(zip).then(
    () => t.fail('put should have been rejected'),
    (e: unknown) => e,
  );
  t.ok(err instanceof AwsError, 'an AWS error');
  t.equal((err as AwsError).type, 'InvalidParameterValueException');
  t.equal((err as AwsError).status, 400);
  if (typeof message === 'string') t.equal((err as AwsError).message, message);
  else t.match((err as AwsError).message, message);
  t.same(await readdir(join(dataDir, 'code')), [], 'nothing left under code/');
  t.same((await readdir(dataDir)).sort(), ['code', 'outside.txt'], 'nothing written next to code/');
  t.equal(await readFile(join(dataDir, 'outside.txt'), 'utf8'), 'must not be touched');
}

t.test('a valid package is stored and unpacked with its modes', async (t) => {
  const { store } = await setup(t);
  const zip = await makeZip([
    { name: 'bootstrap', data: '#!/bin/sh\necho ready\n', mode: 0o100755 },
    { name: 'index.js', data: 'export const handler = async () => 42;\n' },
    { name: 'lib/deep/util.js', data: 'module.exports = 1;\n', mode: 0o104755 },
    { name: 'lib/current', data: 'deep', mode: 0o120777 },
  ]);
  const got = await store.put(zip);
  const digest = createHash('sha256').update(zip).digest();
  t.same(got, { sha256Hex: digest.toString('hex'), sha256Base64: digest.toString('base64'), size: zip.length });

  const dir = store.codeDir(got.sha256Hex);
  t.equal(dirname(dir), dirname(store.zipPath(got.sha256Hex)));
  t.equal((await stat(join(dir, 'bootstrap'))).mode & 0o7777, 0o755, 'exec bit kept');
  t.equal(execFileSync(join(dir, 'bootstrap'), { encoding: 'utf8' }), 'ready\n', 'bootstrap runs');
  t.equal((await stat(join(dir, 'index.js'))).mode & 0o7777, 0o644);
  t.equal((await stat(join(dir, 'lib/deep/util.js'))).mode & 0o7777, 0o755, 'setuid stripped');
  t.equal(await readFile(join(dir, 'lib/deep/util.js'), 'utf8'), 'module.exports = 1;\n');
  t.ok((await lstat(join(dir, 'lib/current'))).isSymbolicLink(), 'inner symlink kept as a symlink');
  t.equal(await readlink(join(dir, 'lib/current')), 'deep');
  t.equal(await readFile(join(dir, 'lib/current/util.js'), 'utf8'), 'module.exports = 1;\n');
  t.same(await store.read(got.sha256Hex), zip, 'download returns the uploaded bytes');

  const zipMtime = (await stat(store.zipPath(got.sha256Hex))).mtimeMs;
  t.same(await store.put(Buffer.from(zip)), got, 'put twice gives the same answer');
  t.equal((await stat(store.zipPath(got.sha256Hex))).mtimeMs, zipMtime, 'and does not rewrite');
  t.same((await readdir(dirname(dir))).sort(), [got.sha256Hex, `${got.sha256Hex}.zip`, 'package.json']);
  t.equal(await readFile(join(dirname(dir), 'package.json'), 'utf8'), '{}\n', 'a neutral package.json: .js files load as CommonJS, as under /var/task');
});

t.test('a zip without unix attributes gets default modes', async (t) => {
  const { store } = await setup(t);
  const zip = await makeZip([{ name: 'a/b.txt', data: 'b', mode: 0o100700 }]);
  // Mark every central directory record as "made by MS-DOS" (high byte of versionMadeBy = 0).
  for (let at = zip.indexOf('PK\x01\x02'); at !== -1; at = zip.indexOf('PK\x01\x02', at + 1)) zip[at + 5] = 0;
  const { sha256Hex } = await store.put(zip);
  t.equal((await stat(join(store.codeDir(sha256Hex), 'a/b.txt'))).mode & 0o777, 0o644);
  t.equal((await stat(join(store.codeDir(sha256Hex), 'a'))).mode & 0o777, 0o755);
});

t.test('bytes that are not a zip are refused', (t) =>
  assertRejected(t, Buffer.from('this is not a zip file at all'), UNZIP_MESSAGE),
);

t.test('a truncated zip is refused', async (t) => {
  const zip = await makeZip([{ name: 'index.js', data: 'x'.repeat(10_000) }]);
  await assertRejected(t, zip.subarray(0, Math.floor(zip.length / 2)), UNZIP_MESSAGE);
});

t.test('a CRC mismatch is refused', async (t) => {
  const zip = await makeZip([{ name: 'index.js', data: 'hello world', compress: false }]);
  const at = zip.indexOf('hello world');
  zip[at] = 'j'.charCodeAt(0);
  await assertRejected(t, zip, UNZIP_MESSAGE);
});

t.test('an entry with a .. segment is refused', async (t) => {
  const zip = patchName(await makeZip([{ name: 'xx/evil', data: 'pwned' }]), 'xx/evil', '../evil');
  await assertRejected(t, zip, "Invalid zip entry '../evil': path escapes the package root");
});

t.test('an absolute entry is refused', async (t) => {
  const zip = patchName(await makeZip([{ name: 'xetc/evil', data: 'pwned' }]), 'xetc/evil', '/etc/evil');
  await assertRejected(t, zip, "Invalid zip entry '/etc/evil': path escapes the package root");
});

t.test('a backslash entry is refused', async (t) => {
  const zip = patchName(await makeZip([{ name: 'xx_evil', data: 'pwned' }]), 'xx_evil', '..\\evil');
  await assertRejected(t, zip, "Invalid zip entry '..\\evil': path escapes the package root");
});

t.test('a symlink to an absolute path is refused', async (t) => {
  const zip = await makeZip([{ name: 'passwd', data: '/etc/passwd', mode: 0o120777 }]);
  await assertRejected(t, zip, "Invalid zip entry 'passwd': symlink target escapes the package root");
});

t.test('a symlink that climbs out of the root is refused', async (t) => {
  const zip = await makeZip([{ name: 'lib/x', data: '../../x', mode: 0o120777 }]);
  await assertRejected(t, zip, "Invalid zip entry 'lib/x': symlink target escapes the package root");
});

t.test('a symlink that escapes through another symlink is refused', async (t) => {
  // a/up -> .. is the root itself, but b -> a/up/.. is then the root's parent.
  const zip = await makeZip([
    { name: 'a/up', data: '..', mode: 0o120777 },
    { name: 'b', data: 'a/up/..', mode: 0o120777 },
  ]);
  await assertRejected(t, zip, "Invalid zip entry 'b': symlink target escapes the package root");
});

t.test('a file is never written through a symlink of the same archive', async (t) => {
  const zip = await makeZip([
    { name: 'sub/keep', data: 'k' },
    { name: 'd', data: 'sub', mode: 0o120777 },
    { name: 'd/x', data: 'through the link' },
  ]);
  await assertRejected(t, zip, /^Invalid zip entry 'd': /);
});

t.test('duplicate entry names are refused', async (t) => {
  const zip = await makeZip([
    { name: 'index.js', data: 'one' },
    { name: 'index.js', data: 'two' },
  ]);
  await assertRejected(t, zip, "Invalid zip entry 'index.js': duplicate or conflicting entry");
});

t.test('a package over the unzipped limit is refused', async (t) => {
  // 5 MB of zeros deflates to a few KB: the shape of a zip bomb.
  const zip = await makeZip([
    { name: 'index.js', data: 'ok' },
    { name: 'zeros.bin', data: Buffer.alloc(5 * 1024 * 1024) },
  ]);
  t.ok(zip.length < 64 * 1024, `the zip is small (${zip.length} bytes)`);
  await assertRejected(t, zip, 'Unzipped size must be smaller than 1048576 bytes', 1024 * 1024);
});

t.test('a zip bomb that lies about its size is refused', async (t) => {
  const zip = await makeZip([{ name: 'zeros.bin', data: Buffer.alloc(5 * 1024 * 1024) }]);
  // Declare 100 bytes in the central directory (uncompressed size at offset 24 of the record).
  zip.writeUInt32LE(100, zip.indexOf('PK\x01\x02') + 24);
  await assertRejected(t, zip, UNZIP_MESSAGE, 1024 * 1024);
});
