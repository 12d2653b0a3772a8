// Deployment packages through the API: GetFunction's Code.Location serves the exact bytes,
// UpdateFunctionCode swaps them, file modes survive, and a bad zip leaves nothing behind.
import {
  GetFunctionCommand,
  GetFunctionConfigurationCommand,
  ListFunctionsCommand,
  UpdateFunctionCodeCommand,
} from '@aws-sdk/client-lambda';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import t from 'tap';
import yauzl from 'yauzl';
import { createFunction, rejection } from '../helpers/aws.js';
import { startTestServer, zip } from '../helpers/server.js';

const sha256 = (b: Buffer, encoding: 'hex' | 'base64') => createHash('sha256').update(b).digest(encoding);

async function download(url: string): Promise<{ status: number; type: string | null; body: Buffer }> {
  const res = await fetch(url);
  return { status: res.status, type: res.headers.get('content-type'), body: Buffer.from(await res.arrayBuffer()) };
}

/** Entry name → permission bits, as the zip's central directory records them. */
async function zipModes(buf: Buffer): Promise<Record<string, number>> {
  const zipfile = await yauzl.fromBufferPromise(buf, { lazyEntries: true });
  const modes: Record<string, number> = {};
  for await (const entry of zipfile.eachEntry()) modes[entry.fileName] = (entry.externalFileAttributes >>> 16) & 0o777;
  return modes;
}

/** Replaces an entry name in both the local header and the central directory (same length). */
function patchName(buf: Buffer, from: string, to: string): Buffer {
  const out = Buffer.from(buf);
  for (let at = out.indexOf(from); at !== -1; at = out.indexOf(from, at + 1)) out.write(to, at, 'latin1');
  return out;
}

const codeEntries = async (dataDir: string) =>
  existsSync(join(dataDir, 'code')) ? (await readdir(join(dataDir, 'code'))).sort() : [];

t.test('Code.Location downloads the exact zip; UpdateFunctionCode replaces it', async (t) => {
  const { lambda } = await startTestServer(t);
  const first = await zip({ 'index.js': 'exports.handler = async () => 1;\n' });
  const created = await createFunction(lambda, 'coded', { Code: { ZipFile: first } });

  const got = await lambda.send(new GetFunctionCommand({ FunctionName: 'coded' }));
  const one = await download(got.Code!.Location!);
  t.equal(one.status, 200);
  t.equal(one.type, 'application/zip');
  t.ok(one.body.equals(first), 'the downloaded bytes are the uploaded bytes');
  t.equal(created.CodeSha256, sha256(one.body, 'base64'));

  const second = await zip({ 'index.js': 'exports.handler = async () => 2;\n', 'lib.js': 'module.exports = 2;\n' });
  const updated = await lambda.send(new UpdateFunctionCodeCommand({ FunctionName: 'coded', ZipFile: second }));
  t.equal(updated.$metadata.httpStatusCode, 200);
  t.equal(updated.CodeSha256, sha256(second, 'base64'));
  t.equal(updated.CodeSize, second.length);
  t.not(updated.RevisionId, created.RevisionId, 'RevisionId changes with the code');
  t.equal(updated.LastUpdateStatus, 'Successful');

  const after = await lambda.send(new GetFunctionCommand({ FunctionName: 'coded' }));
  t.not(after.Code!.Location, got.Code!.Location, 'a new location for new code');
  t.ok((await download(after.Code!.Location!)).body.equals(second), 'the new location serves the new zip');

  const published = await lambda.send(new UpdateFunctionCodeCommand({ FunctionName: 'coded', ZipFile: first, Publish: true }));
  t.equal(published.Version, '1', 'Publish: true answers with the new version');
  t.equal(published.CodeSha256, created.CodeSha256);

  const dry = await lambda.send(new UpdateFunctionCodeCommand({ FunctionName: 'coded', ZipFile: second, DryRun: true }));
  t.equal(dry.CodeSha256, sha256(second, 'base64'), 'DryRun answers with what would be');
  const latest = await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: 'coded' }));
  t.equal(latest.CodeSha256, created.CodeSha256, 'but DryRun changes nothing');

  const missing = await download(after.Code!.Location!.replace(/[0-9a-f]{64}/, '0'.repeat(64)));
  t.equal(missing.status, 404, 'an unknown digest is not found');
});

t.test('the executable bit survives upload, download and unpacking', async (t) => {
  const { lambda, dataDir } = await startTestServer(t);
  const pkg = await zip({ bootstrap: ['#!/bin/sh\necho hi\n', 0o755], 'data.txt': ['plain\n', 0o644] });
  const created = await createFunction(lambda, 'custom', { Runtime: 'provided.al2023', Handler: 'function.handler', Code: { ZipFile: pkg } });

  const got = await lambda.send(new GetFunctionCommand({ FunctionName: 'custom' }));
  const downloaded = (await download(got.Code!.Location!)).body;
  t.same(await zipModes(downloaded), { bootstrap: 0o755, 'data.txt': 0o644 }, 'modes in the downloaded zip');

  const hex = Buffer.from(created.CodeSha256!, 'base64').toString('hex');
  const unpacked = join(dataDir, 'code', hex);
  t.equal((await stat(join(unpacked, 'bootstrap'))).mode & 0o777, 0o755, 'bootstrap is executable on disk');
  t.equal((await stat(join(unpacked, 'data.txt'))).mode & 0o777, 0o644, 'data.txt is not');
});

t.test('a bad zip is refused with AWS\'s error and leaves nothing behind', async (t) => {
  const { lambda, dataDir } = await startTestServer(t);
  const before = await codeEntries(dataDir);
  const good = await zip({ 'index.js': 'exports.handler = async () => 1;\n', 'zz/x': 'escape\n' });
  const cases: [string, Buffer, RegExp][] = [
    ['not a zip', Buffer.from('this is not a zip file at all'), /^Could not unzip uploaded file/],
    ['a truncated zip', good.subarray(0, Math.floor(good.length / 2)), /^Could not unzip uploaded file/],
    ['a zip-slip entry ../x', patchName(good, 'zz/x', '../x'), /Invalid zip entry '\.\.\/x': path escapes the package root/],
  ];
  for (const [what, bytes, message] of cases) {
    const err = await rejection(createFunction(lambda, 'bad-zip', { Code: { ZipFile: bytes } }));
    t.match(err, { name: 'InvalidParameterValueException', status: 400, message }, what);
  }
  const list = await lambda.send(new ListFunctionsCommand({}));
  t.same(list.Functions, [], 'no function was created');
  t.same(await codeEntries(dataDir), before, 'no new files under <dataDir>/code');

  await createFunction(lambda, 'fine', { Code: { ZipFile: good } });
  const err = await rejection(lambda.send(new UpdateFunctionCodeCommand({ FunctionName: 'fine', ZipFile: Buffer.from('nope') })));
  t.match(err, { name: 'InvalidParameterValueException', status: 400, message: /^Could not unzip/ }, 'UpdateFunctionCode too');
  const fine = await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: 'fine' }));
  t.equal(fine.CodeSha256, sha256(good, 'base64'), 'the function keeps its code');
});
