// Image references (Code.ImageUri) as Docker's reference grammar reads them, the digest lambdalite
// reports for each, and the create-time note that the executor cannot run an image function.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import t from 'tap';
import { DEFAULTS } from '../../src/config.js';
import { openDatabase } from '../../src/db.js';
import type { RuntimeTarget } from '../../src/execution/types.js';
import { imageDigestHex, parseImageReference, resolvedImageUri } from '../../src/functions/image.js';
import { createServices, type ExecutionHooks, type Logger } from '../../src/services.js';
import { ROLE } from '../helpers/server.js';

t.test('parseImageReference reads repository, tag and digest, and refuses malformed references', async (t) => {
  const digest = `sha256:${'0123456789abcdef'.repeat(4)}`;
  const cases: [string, ReturnType<typeof parseImageReference>][] = [
    ['my-fn', { repository: 'my-fn', tag: undefined, digest: undefined }],
    ['my-fn:latest', { repository: 'my-fn', tag: 'latest', digest: undefined }],
    ['localhost:5000/team/fn:v1', { repository: 'localhost:5000/team/fn', tag: 'v1', digest: undefined }],
    [`public.ecr.aws/lambda/nodejs:20@${digest}`, { repository: 'public.ecr.aws/lambda/nodejs', tag: '20', digest }],
    [`fn@${digest}`, { repository: 'fn', tag: undefined, digest }],
    ['a__b/c.d-e---f:Tag_1.0-rc', { repository: 'a__b/c.d-e---f', tag: 'Tag_1.0-rc', digest: undefined }],
    ['', undefined],
    ['My-Fn', undefined],
    ['fn:', undefined],
    ['fn:bad tag', undefined],
    ['fn:-dash', undefined],
    ['-fn', undefined],
    ['fn/', undefined],
    ['fn//x', undefined],
    ['fn@sha256:abc', undefined],
    [`fn:${'t'.repeat(129)}`, undefined],
    [`${'a'.repeat(256)}`, undefined],
  ];
  for (const [uri, expected] of cases) t.same(parseImageReference(uri), expected, JSON.stringify(uri));
});

t.test('the digest: a pinned sha256 as given, else the SHA-256 of the reference', async (t) => {
  const hex = 'ABCDEF0123456789'.repeat(4);
  t.equal(imageDigestHex(`fn:v1@sha256:${hex}`), hex.toLowerCase());
  t.equal(imageDigestHex('fn:v1'), createHash('sha256').update('fn:v1').digest('hex'));
  t.equal(resolvedImageUri('localhost:5000/fn:v1', 'ab'), 'localhost:5000/fn@sha256:ab');
});

t.test('CreateFunction of an image hands the image to the executor check, which logs a warning', async (t) => {
  const dataDir = mkdtempSync(join(tmpdir(), 'lambdalite-image-note-'));
  const db = openDatabase(join(dataDir, 'db.sqlite'));
  t.teardown(() => {
    db.close();
    rmSync(dataDir, { recursive: true, force: true });
  });
  const targets: RuntimeTarget[] = [];
  const engine = {
    support: (target: RuntimeTarget) => {
      targets.push(target);
      return target.image ? { ok: false as const, reason: 'this executor runs no images' } : { ok: true as const };
    },
    retire: async () => undefined,
  } as unknown as ExecutionHooks;
  const warnings: [object, string][] = [];
  const logger: Logger = {
    info: () => undefined,
    warn: (obj, msg) => warnings.push([obj, msg]),
    error: () => undefined,
    child: () => logger,
  };
  const services = createServices({ ...DEFAULTS, dataDir }, db, () => 'http://127.0.0.1:1', engine, logger);
  await services.functions.create({
    FunctionName: 'img', Role: ROLE, PackageType: 'Image', Code: { ImageUri: 'img:latest' },
    ImageConfig: { Command: ['app.handler'], WorkingDirectory: '/srv' },
  });
  t.same(targets, [{ runtime: '', image: { uri: 'img:latest', command: ['app.handler'], workingDirectory: '/srv' } }]);
  t.equal(warnings.length, 1, 'one warning');
  t.match(warnings[0], [{ functionName: 'img', reason: 'this executor runs no images' }, /InvalidRuntimeException/]);
});
