// Node.js searches NODE_PATH for require() but not for import. AWS's Node.js 18+ runtimes do:
// "The Node.js 18.x runtime for Lambda searches the folders listed in NODE_PATH when loading ES
// modules. This makes it easier to ... load ES modules from Lambda layers" (AWS Compute Blog,
// "Node.js 18.x runtime now available in AWS Lambda"). So an ES module handler can
// `import x from 'pkg'` where only a layer provides pkg (/opt/nodejs/node_modules/pkg).
//
// The process executor preloads this file (`node --import`) for functions with layers. On the main
// thread it registers itself as a module resolution hook; in the hooks thread it is the hook: a
// bare specifier that the usual resolution cannot find is looked up in each NODE_PATH folder, in
// order, as require() would.
import { register, type ResolveHook } from 'node:module';
import { basename, dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { isMainThread } from 'node:worker_threads';

if (isMainThread) register(import.meta.url);

// A package `p` in folder `d` is found by resolving `p` from a file beside `d` — which only works
// when `d` is a node_modules folder; every layer path of the Node.js runtimes is one.
const folders = (process.env['NODE_PATH'] ?? '')
  .split(':')
  .filter((dir) => dir.startsWith('/') && basename(dir) === 'node_modules')
  .map((dir) => ({ prefix: pathToFileURL(`${dir}/`).href, parentURL: pathToFileURL(join(dirname(dir), 'noop.js')).href }));

const BARE = /^(?![./]|[a-zA-Z][a-zA-Z\d+.-]*:)/;

export const resolve: ResolveHook = async (specifier, context, nextResolve) => {
  try {
    return await nextResolve(specifier, context);
  } catch (err) {
    if ((err as { code?: unknown }).code !== 'ERR_MODULE_NOT_FOUND' || !BARE.test(specifier)) throw err;
    for (const folder of folders) {
      try {
        const found = await nextResolve(specifier, { ...context, parentURL: folder.parentURL });
        // Resolution walks further up than the folder; only what is inside it counts.
        if (found.url.startsWith(folder.prefix)) return found;
      } catch {
        continue;
      }
    }
    throw err;
  }
};
