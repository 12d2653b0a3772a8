// Where each runtime finds layer content under /opt, as data ("Layer paths for each Lambda runtime"
// in the Lambda developer guide, and the runtimes' NODE_PATH, PYTHONPATH, PATH and LD_LIBRARY_PATH
// in "Defined runtime environment variables").
import { existsSync } from 'node:fs';
import { posix, join } from 'node:path';
import { PACKAGE_ROOT, RUNTIMES } from './table.js';

/** The Node.js resolution hook that gives `import` the NODE_PATH search AWS's runtimes have. */
export const ESM_NODE_PATH_HOOK = join(PACKAGE_ROOT, 'dist', 'runtimes', 'node', 'esm-node-path.js');

/**
 * Folders of /opt (relative), per environment variable, in search order:
 * - Node.js: `nodejs/nodeXX/node_modules` then `nodejs/node_modules` (AWS's NODE_PATH order);
 * - Python: `python/lib/pythonX.Y/site-packages` then `python` (AWS's sys.path order), for the
 *   Python version the function's runtime names, which is what its layers were built for;
 * - every runtime: `bin` on PATH, `lib` on LD_LIBRARY_PATH.
 */
export function layerSearchPaths(runtime: string): Readonly<Record<string, readonly string[]>> {
  const paths: Record<string, string[]> = { PATH: ['bin'], LD_LIBRARY_PATH: ['lib'] };
  const family = RUNTIMES[runtime]?.family;
  const version = /(\d+(?:\.\d+)?)/.exec(runtime)?.[1];
  if (family === 'nodejs' && version) paths['NODE_PATH'] = [`nodejs/node${version}/node_modules`, 'nodejs/node_modules'];
  if (family === 'python' && version) paths['PYTHONPATH'] = [`python/lib/python${version}/site-packages`, 'python'];
  return paths;
}

/**
 * The layer variables for a runtime whose /opt is `optDir`. PATH keeps the given search path
 * after `<opt>/bin`: on AWS /usr/bin holds almost nothing, so a layer's tool is what runs; here the
 * host's PATH is much fuller, and putting the layer first keeps that outcome.
 */
export function layerEnvironment(runtime: string, optDir: string, basePath: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [name, dirs] of Object.entries(layerSearchPaths(runtime))) {
    const value = dirs.map((dir) => posix.join(optDir, dir)).join(':');
    env[name] = name === 'PATH' && basePath ? `${value}:${basePath}` : value;
  }
  return env;
}

/** Runtime flags a function with layers needs: Node.js's ESM resolution hook (esm-node-path.ts). */
export function layerRuntimeArgs(runtime: string): string[] {
  return RUNTIMES[runtime]?.family === 'nodejs' ? ['--import', ESM_NODE_PATH_HOOK] : [];
}

/**
 * Where a custom runtime's bootstrap is: AWS runs the function's own (/var/task/bootstrap), else a
 * layer's (/opt/bootstrap), and names both when neither exists ("Couldn't find valid bootstrap(s):
 * [/var/task/bootstrap /opt/bootstrap]").
 */
export function customBootstrap(codeDir: string, optDir: string | undefined): 'code' | 'opt' | undefined {
  if (existsSync(join(codeDir, 'bootstrap'))) return 'code';
  return optDir !== undefined && existsSync(join(optDir, 'bootstrap')) ? 'opt' : undefined;
}
