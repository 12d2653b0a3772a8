// The merged /opt tree of a function's layers (src/layers/opt-dirs.ts): later layers override
// earlier ones entry by entry, whatever the kinds; trees are content-addressed and built once;
// files are the code store's own inodes; nothing is ever written through a layer's symlink.
import { lstatSync, readdirSync, readFileSync, readlinkSync, statSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import yazl from 'yazl';
import { CodeStore } from '../../src/functions/code-store.js';
import { OptDirs } from '../../src/layers/opt-dirs.js';
import { zipBytes } from '../helpers/server.js';

type Entry = { name: string; data?: string; mode?: number; link?: string };

/** A zip with files, folders (`name/`) and symlinks (`link`), with unix modes. */
function layerZip(entries: Entry[]): Promise<Buffer> {
  const z = new yazl.ZipFile();
  for (const e of entries) {
    if (e.name.endsWith('/')) z.addEmptyDirectory(e.name, { mode: e.mode ?? 0o40755 });
    else if (e.link !== undefined) z.addBuffer(Buffer.from(e.link), e.name, { mode: 0o120777 });
    else z.addBuffer(Buffer.from(e.data ?? ''), e.name, { mode: e.mode ?? 0o100644 });
  }
  return zipBytes(z);
}

async function setup(t: { testdir(): string }) {
  const dataDir = t.testdir();
  const code = new CodeStore({ dataDir });
  const opt = new OptDirs({ dataDir, codeDir: (sha) => code.codeDir(sha) });
  const layer = async (entries: Entry[]) => (await code.put(await layerZip(entries))).sha256Hex;
  return { dataDir, code, opt, layer };
}

t.test('later layers win, entry by entry, whatever the kinds', async (t) => {
  const { code, opt, layer } = await setup(t);
  const first = await layer([
    { name: 'nodejs/node_modules/shared/index.js', data: 'first' },
    { name: 'nodejs/node_modules/only-first.js', data: 'first' },
    { name: 'was-file', data: 'a file' },
    { name: 'was-dir/inner.txt', data: 'inner' },
    { name: 'was-link', link: 'nodejs' },
    { name: 'bin/tool', data: '#!/bin/sh\n', mode: 0o100755 },
  ]);
  const second = await layer([
    { name: 'nodejs/node_modules/shared/index.js', data: 'second' },
    { name: 'was-file/now-dir.txt', data: 'dir now' },
    { name: 'was-dir', data: 'file now' },
    { name: 'was-link/through.txt', data: 'a folder, not written through the link' },
  ]);
  const dir = opt.merged([first, second]);
  const read = (p: string) => readFileSync(join(dir, p), 'utf8');
  t.equal(read('nodejs/node_modules/shared/index.js'), 'second');
  t.equal(read('nodejs/node_modules/only-first.js'), 'first');
  t.equal(read('was-file/now-dir.txt'), 'dir now', 'a folder replaces a file');
  t.equal(read('was-dir'), 'file now', 'a file replaces a folder');
  t.ok(lstatSync(join(dir, 'was-link')).isDirectory(), 'a folder replaces a symlink');
  t.same(readdirSync(join(dir, 'nodejs')).sort(), ['node_modules'], 'nothing was written through the symlink');
  t.equal(statSync(join(dir, 'bin/tool')).mode & 0o777, 0o755, 'modes are kept');
  t.equal(statSync(join(dir, 'bin/tool')).ino, statSync(join(code.codeDir(first), 'bin/tool')).ino, 'files are hard links into the code store');

  const reversed = opt.merged([second, first]);
  t.not(reversed, dir, 'another order is another tree');
  t.equal(readFileSync(join(reversed, 'nodejs/node_modules/shared/index.js'), 'utf8'), 'first');
  t.equal(readlinkSync(join(reversed, 'was-link')), 'nodejs', 'a symlink replaces a folder');
  t.equal(readFileSync(join(reversed, 'was-file'), 'utf8'), 'a file');
  t.equal(readFileSync(join(code.codeDir(second), 'was-dir'), 'utf8'), 'file now', 'the code store is untouched');
});

t.test('a tree is content-addressed, built once, and complete or absent', async (t) => {
  const { dataDir, opt, layer } = await setup(t);
  const one = await layer([{ name: 'python/mod.py', data: 'X = 1\n' }]);
  const dir = opt.merged([one]);
  t.equal(dir, join(dataDir, 'layers-merged', dir.split('/').pop()!));
  t.match(dir.split('/').pop(), /^[0-9a-f]{64}$/);
  const fresh = new OptDirs({ dataDir, codeDir: () => { throw new Error('an existing tree is not rebuilt'); } });
  t.equal(fresh.merged([one]), dir, 'another instance (a restart) finds the same tree');
  t.same(readdirSync(join(dataDir, 'layers-merged')).sort(), [dir.split('/').pop(), 'package.json'].sort(), 'no temporary folder left');
  t.equal(readFileSync(join(dataDir, 'layers-merged', 'package.json'), 'utf8'), '{}\n', 'a neutral package.json above the trees');
});
