// Handlers that use what only their layers provide, invoked through the official SDK with the real
// process executor: Node.js require() and import (AWS's Node.js 18+ runtimes search NODE_PATH for
// ES modules too), Python imports, a layer's bin/ on PATH, later layers overriding earlier ones,
// and a deleted layer version that keeps working for the function using it, across a restart.
import { DeleteLayerVersionCommand, PublishLayerVersionCommand, UpdateFunctionConfigurationCommand, type LambdaClient } from '@aws-sdk/client-lambda';
import t from 'tap';
import { deploy, invoke, type Files } from '../helpers/invoke.js';
import { startTestServer, tempDir, zip } from '../helpers/server.js';
import { SHELL_RUNTIME } from './helpers.js';
import { runtimeSupport } from '../../src/runtimes/table.js';

async function publish(lambda: LambdaClient, name: string, files: Files): Promise<string> {
  const published = await lambda.send(new PublishLayerVersionCommand({ LayerName: name, Content: { ZipFile: await zip(files) } }));
  return published.LayerVersionArn!;
}

const GREETING_LAYER: Files = {
  'nodejs/node_modules/greeting/index.js': "exports.greet = (name) => `hello ${name} from a layer`;\n",
  'nodejs/node20/node_modules/versioned/index.js': "module.exports = 'node20 folder';\n",
  'nodejs/node_modules/esm-only/package.json': JSON.stringify({ name: 'esm-only', type: 'module', exports: './index.js' }),
  'nodejs/node_modules/esm-only/index.js': "export const shout = (s) => s.toUpperCase() + '!';\n",
  'bin/layer-tool': ['#!/bin/sh\necho "tool from a layer"\n', 0o755],
};

t.test('a Node.js handler requires and imports packages that only its layer provides', async (t) => {
  const { lambda } = await startTestServer(t);
  const layer = await publish(lambda, 'greeting', GREETING_LAYER);

  await deploy(lambda, 'cjs', {
    'index.js': [
      "const { greet } = require('greeting');",
      "const { execFileSync } = require('node:child_process');",
      'exports.handler = async (event) => ({',
      '  greeting: greet(event.name),',
      "  versioned: require('versioned'),",
      "  tool: execFileSync('layer-tool').toString().trim(),",
      '  NODE_PATH: process.env.NODE_PATH,',
      '  PATH: process.env.PATH,',
      '  LD_LIBRARY_PATH: process.env.LD_LIBRARY_PATH,',
      '});',
    ].join('\n'),
  }, { Layers: [layer] });
  const cjs = await invoke(lambda, 'cjs', { name: 'ada' });
  t.equal(cjs.functionError, undefined, cjs.text);
  t.equal(cjs.body.greeting, 'hello ada from a layer');
  t.equal(cjs.body.versioned, 'node20 folder', 'nodejs/node20/node_modules is on NODE_PATH for nodejs20.x');
  t.equal(cjs.body.tool, 'tool from a layer', 'the layer\'s bin/ is on PATH');
  const opt = (cjs.body.NODE_PATH as string).split(':')[0]!.replace(/\/nodejs\/node20\/node_modules$/, '');
  t.equal(cjs.body.NODE_PATH, `${opt}/nodejs/node20/node_modules:${opt}/nodejs/node_modules`, 'AWS\'s NODE_PATH order');
  t.match(cjs.body.PATH, new RegExp(`^${opt}/bin:`));
  t.equal(cjs.body.LD_LIBRARY_PATH, `${opt}/lib`);

  // ES modules: AWS's Node.js 18+ runtimes search NODE_PATH for `import` as well (AWS Compute Blog,
  // "Node.js 18.x runtime now available in AWS Lambda"), which plain Node.js does not.
  await deploy(lambda, 'esm', {
    'index.mjs': [
      "import { greet } from 'greeting';",
      "import { shout } from 'esm-only';",
      'export const handler = async (event) => ({ greeting: shout(greet(event.name)) });',
    ].join('\n'),
  }, { Layers: [layer] });
  const esm = await invoke(lambda, 'esm', { name: 'grace' });
  t.equal(esm.functionError, undefined, esm.text);
  t.equal(esm.body.greeting, 'HELLO GRACE FROM A LAYER!');

  await deploy(lambda, 'esm-missing', { 'index.mjs': "import 'not-in-any-layer';\nexport const handler = async () => 1;\n" }, { Layers: [layer] });
  const missing = await invoke(lambda, 'esm-missing');
  t.equal(missing.functionError, 'Unhandled');
  t.match(missing.text, /Cannot find package 'not-in-any-layer'/, 'a package no layer has is still not found, with Node\'s own message');

  await deploy(lambda, 'no-layers', { 'index.js': "exports.handler = async () => { require('greeting'); };\n" });
  const without = await invoke(lambda, 'no-layers');
  t.equal(without.functionError, 'Unhandled', 'without the layer the package is not there');
  t.match(without.text, /Cannot find module 'greeting'/);
});

t.test('a Python handler imports modules that only its layer provides', { skip: runtimeSupport('python3.12').ok ? false : 'no python3 here' }, async (t) => {
  const { lambda } = await startTestServer(t);
  const layer = await publish(lambda, 'pylayer', {
    'python/layermod.py': "GREETING = 'hello from python/'\n",
    'python/lib/python3.12/site-packages/sitepkg/__init__.py': "SITE = 'hello from site-packages'\n",
  });
  await deploy(lambda, 'py', {
    'app.py': [
      'import os, sys',
      'import layermod',
      'import sitepkg',
      'def handler(event, context):',
      "    return {'layermod': layermod.GREETING, 'sitepkg': sitepkg.SITE, 'PYTHONPATH': os.environ.get('PYTHONPATH')}",
    ].join('\n'),
  }, { Runtime: 'python3.12', Handler: 'app.handler', Layers: [layer] });
  const res = await invoke(lambda, 'py');
  t.equal(res.functionError, undefined, res.text);
  t.equal(res.body.layermod, 'hello from python/');
  t.equal(res.body.sitepkg, 'hello from site-packages');
  t.match(res.body.PYTHONPATH, /\/python\/lib\/python3\.12\/site-packages:.*\/python$/, 'site-packages first, as AWS\'s sys.path');
});

t.test('later layers override earlier ones', async (t) => {
  const { lambda } = await startTestServer(t);
  const shared = (who: string): Files => ({
    'nodejs/node_modules/shared/index.js': `module.exports = ${JSON.stringify(who)};\n`,
    [`nodejs/node_modules/only-${who}/index.js`]: `module.exports = ${JSON.stringify(who)};\n`,
  });
  const first = await publish(lambda, 'first', shared('first'));
  const second = await publish(lambda, 'second', shared('second'));
  const handler = {
    'index.js': "exports.handler = async () => [require('shared'), require('only-first'), require('only-second')];\n",
  };
  await deploy(lambda, 'ordered', handler, { Layers: [first, second] });
  t.same((await invoke(lambda, 'ordered')).body, ['second', 'first', 'second'], 'the later layer wins; both trees are there');

  await lambda.send(new UpdateFunctionConfigurationCommand({ FunctionName: 'ordered', Layers: [second, first] }));
  t.same((await invoke(lambda, 'ordered')).body, ['first', 'first', 'second'], 'reversed order, reversed winner');
});

t.test('a custom runtime\'s bootstrap may come from a layer (/opt/bootstrap)', async (t) => {
  const { lambda } = await startTestServer(t);
  const runtime = await publish(lambda, 'shell-runtime', { bootstrap: [SHELL_RUNTIME, 0o755] });
  await deploy(lambda, 'custom', { 'function.txt': 'code of the function' }, { Runtime: 'provided.al2023', Handler: 'function.handler', Layers: [runtime] });
  const res = await invoke(lambda, 'custom');
  t.equal(res.functionError, undefined, res.text);
  t.equal(res.body.task, 'code of the function');
  t.match(res.body.bootstrap, /\/layers-merged\/[0-9a-f]{64}\/bootstrap$/, 'the layer\'s bootstrap ran');

  await deploy(lambda, 'own-bootstrap', {
    'function.txt': 'x',
    bootstrap: [SHELL_RUNTIME, 0o755],
  }, { Runtime: 'provided.al2023', Handler: 'function.handler', Layers: [runtime] });
  const own = await invoke(lambda, 'own-bootstrap');
  t.equal(own.functionError, undefined, own.text);
  t.match(own.body.bootstrap, /\/code\/[0-9a-f]{64}\/bootstrap$/, 'the function\'s own bootstrap comes first');
});

t.test('deleting a layer version does not break a function using it, also after a restart', async (t) => {
  const dataDir = tempDir();
  const first = await startTestServer(t, { dataDir });
  const layer = await publish(first.lambda, 'going', GREETING_LAYER);
  await deploy(first.lambda, 'stays', { 'index.js': "exports.handler = async () => require('greeting').greet('you');\n" }, { Layers: [layer] });
  t.equal((await invoke(first.lambda, 'stays')).body, 'hello you from a layer');
  await first.lambda.send(new DeleteLayerVersionCommand({ LayerName: 'going', VersionNumber: 1 }));
  await first.lambda.send(new UpdateFunctionConfigurationCommand({ FunctionName: 'stays', Timeout: 5 }));
  const afterDelete = await invoke(first.lambda, 'stays');
  t.equal(afterDelete.body, 'hello you from a layer', 'a new environment after the delete still has the layer');
  await first.stop();

  const second = await startTestServer(t, { dataDir });
  const afterRestart = await invoke(second.lambda, 'stays');
  t.equal(afterRestart.functionError, undefined, afterRestart.text);
  t.equal(afterRestart.body, 'hello you from a layer', 'and after a restart');
});
