// Layers in the bubblewrap sandbox: the merged tree is read-only at the real /opt and the runtime's
// layer search paths are AWS's own (/opt/nodejs/node_modules, ...). Plus how lambdaLayout() places
// /opt, as a table: one bind per top-level entry, never over an interpreter installed under /opt.
import { PublishLayerVersionCommand } from '@aws-sdk/client-lambda';
import t from 'tap';
import { bwrapArgs, bwrapAvailable, lambdaLayout, type HostEntry, type OptEntry } from '../../src/execution/sandbox.js';
import { deploy, invoke } from '../helpers/invoke.js';
import { startTestServer, zip } from '../helpers/server.js';
import { SHELL_RUNTIME } from './helpers.js';

const available = bwrapAvailable();

/**
 * As in test/execution/sandbox.test.ts: tap's @tapjs/processinfo sets NODE_OPTIONS=--import=<its
 * loader in node_modules> on every child of a test process, which the sandbox cannot see.
 */
type SpawnHook = (o: { env: Record<string, string>; readonly args: readonly string[] }) => void;
const onSpawn = (globalThis as Record<symbol, { listeners: SpawnHook[] } | undefined>)[Symbol.for('process-on-spawn@*:singletonId')];
onSpawn?.listeners.push((o) => {
  if (!available.ok || !o.args.includes(available.path) || !/@tapjs/.test(o.env['NODE_OPTIONS'] ?? '')) return;
  const { NODE_OPTIONS: _harness, ...env } = o.env;
  o.env = env;
});

t.test('with --sandbox bwrap the layers are at /opt, read-only', { skip: available.ok ? false : `bubblewrap cannot run here: ${available.reason}` }, async (t) => {
  const { lambda } = await startTestServer(t, { sandbox: 'bwrap' });
  const publish = async (name: string, files: Parameters<typeof zip>[0]) =>
    (await lambda.send(new PublishLayerVersionCommand({ LayerName: name, Content: { ZipFile: await zip(files) } }))).LayerVersionArn!;
  const base = await publish('base', {
    'nodejs/node_modules/greeting/index.js': "exports.greet = () => 'from base';\n",
    'bin/tool': ['#!/bin/sh\necho tool\n', 0o755],
  });
  const top = await publish('top', { 'nodejs/node_modules/greeting/index.js': "exports.greet = () => 'from top';\n", 'data/top.txt': 'top' });
  await deploy(lambda, 'sandboxed', {
    'index.js': [
      "const fs = require('node:fs');",
      "const { execFileSync } = require('node:child_process');",
      'exports.handler = async () => {',
      '  let write;',
      "  try { fs.writeFileSync('/opt/new.txt', 'x'); write = 'written'; } catch (err) { write = err.code; }",
      '  return {',
      "    opt: fs.readdirSync('/opt').sort(),",
      "    greeting: require('greeting').greet(),",
      "    resolved: require.resolve('greeting'),",
      "    top: fs.readFileSync('/opt/data/top.txt', 'utf8'),",
      "    tool: execFileSync('tool').toString().trim(),",
      '    write,',
      '    NODE_PATH: process.env.NODE_PATH,',
      '    LD_LIBRARY_PATH: process.env.LD_LIBRARY_PATH,',
      '  };',
      '};',
    ].join('\n'),
  }, { Layers: [base, top] });
  const res = await invoke(lambda, 'sandboxed');
  t.equal(res.functionError, undefined, res.text);
  t.match(res.body, {
    greeting: 'from top',
    resolved: '/opt/nodejs/node_modules/greeting/index.js',
    top: 'top',
    tool: 'tool',
    NODE_PATH: '/opt/nodejs/node20/node_modules:/opt/nodejs/node_modules',
    LD_LIBRARY_PATH: '/opt/lib',
  });
  t.same(res.body.opt.filter((e: string) => ['bin', 'data', 'nodejs'].includes(e)), ['bin', 'data', 'nodejs'], '/opt holds the merged layers');
  t.not(res.body.write, 'written', '/opt is read-only');

  await deploy(lambda, 'sandboxed-esm', {
    'index.mjs': "import { greet } from 'greeting';\nexport const handler = async () => greet();\n",
  }, { Layers: [base] });
  const esm = await invoke(lambda, 'sandboxed-esm');
  t.equal(esm.functionError, undefined, esm.text);
  t.equal(esm.body, 'from base', 'import finds the layer\'s package through NODE_PATH inside the sandbox too');

  // A custom runtime from a layer, its bootstrap a symlink as runtimes in layers often have it.
  const runtime = await publish('shell-runtime', { 'bin/runtime': [SHELL_RUNTIME, 0o755], bootstrap: ['bin/runtime', 0o120777] });
  await deploy(lambda, 'sandboxed-custom', { 'function.txt': 'mine' }, { Runtime: 'provided.al2023', Handler: 'function.handler', Layers: [runtime] });
  const custom = await invoke(lambda, 'sandboxed-custom');
  t.equal(custom.functionError, undefined, custom.text);
  t.same(custom.body, { bootstrap: '/opt/bootstrap', task: 'mine' }, '/opt/bootstrap runs when the code has none');
});

t.test('lambdaLayout() places the layers at /opt, one bind per top-level entry', async (t) => {
  const system: HostEntry[] = [{ kind: 'dir', path: '/usr' }, { kind: 'dir', path: '/opt/node-v20' }];
  const entries: OptEntry[] = [
    { name: 'nodejs', kind: 'dir' },
    { name: 'config.json', kind: 'file' },
    { name: 'lib', kind: 'symlink', target: 'nodejs/lib' },
    { name: 'node-v20', kind: 'dir' },
  ];
  const layout = lambdaLayout({
    codeDir: '/data/code/abc', tmpDir: '/tmp/e1', runtimeDir: undefined, moduleScope: undefined, system,
    opt: { dir: '/data/layers-merged/k', entries },
  });
  const argv = bwrapArgs(layout);
  const tail = argv.slice(argv.indexOf('--dir', argv.indexOf('/dev')));
  t.same(tail, [
    '--dir', '/var', '--dir', '/opt',
    '--ro-bind', '/data/code/abc', '/var/task',
    '--ro-bind', '/data/layers-merged/k/nodejs', '/opt/nodejs',
    '--ro-bind', '/data/layers-merged/k/config.json', '/opt/config.json',
    '--bind', '/tmp/e1', '/tmp',
    '--symlink', 'nodejs/lib', '/opt/lib',
    '--remount-ro', '/', '--chdir', '/var/task', '--',
  ], 'an entry that would hide the interpreter under /opt is left out; a symlink stays a symlink');
  t.ok(argv.includes('/opt/node-v20'), 'the interpreter prefix is still bound');

  const without = bwrapArgs(lambdaLayout({ codeDir: '/c', tmpDir: '/t', runtimeDir: undefined, moduleScope: undefined, system }));
  t.notOk(without.includes('/opt'), 'no /opt without layers');
});
