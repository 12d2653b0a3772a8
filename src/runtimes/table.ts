// Runtimes are data (DESIGN.md): how the process executor starts each Lambda runtime id, and the
// AWS_EXECUTION_ENV value AWS sets for it. Lambda runtime ids that exist on AWS but cannot run
// here are listed too, so users get a clear reason instead of a hang.
import { accessSync, constants, existsSync } from 'node:fs';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Package root: two levels up from both src/runtimes/ and dist/runtimes/. */
export const PACKAGE_ROOT = fileURLToPath(new URL('../../', import.meta.url));

export type RuntimeFamily = 'nodejs' | 'python' | 'provided';

export interface RuntimeEntry {
  readonly family: RuntimeFamily;
  /** AWS_EXECUTION_ENV; AWS sets none for the OS-only runtimes. */
  readonly executionEnv: string | undefined;
}

/** How to start one runtime for one function. */
export interface LaunchRecipe {
  readonly command: string;
  readonly args: readonly string[];
  /** LAMBDA_RUNTIME_DIR: where the runtime client lives (AWS: /var/runtime). */
  readonly runtimeDir: string;
  /** Arguments that cap memory from inside the runtime when no cgroup can. */
  readonly memoryCapArgs: (memoryMb: number) => readonly string[];
}

const node = (v: string): RuntimeEntry => ({ family: 'nodejs', executionEnv: `AWS_Lambda_nodejs${v}` });
const python = (v: string): RuntimeEntry => ({ family: 'python', executionEnv: `AWS_Lambda_python${v}` });
const provided: RuntimeEntry = { family: 'provided', executionEnv: undefined };

export const RUNTIMES: Readonly<Record<string, RuntimeEntry>> = {
  'nodejs18.x': node('18.x'),
  'nodejs20.x': node('20.x'),
  'nodejs22.x': node('22.x'),
  'python3.9': python('3.9'),
  'python3.10': python('3.10'),
  'python3.11': python('3.11'),
  'python3.12': python('3.12'),
  'python3.13': python('3.13'),
  provided,
  'provided.al2': provided,
  'provided.al2023': provided,
};

/** Valid Lambda runtime ids (botocore's Runtime enum) that have no runtime client here. */
const NOT_RUNNABLE = /^(java\d+(\.al2)?|ruby\d+\.\d+|dotnet(core)?\d+(\.\d+)?|go1\.x|nodejs(4\.3|6\.10|8\.10|10\.x|12\.x|14\.x|16\.x)(-edge)?|python(2\.7|3\.6|3\.7|3\.8))$/;

const NODE_CLIENT = join(PACKAGE_ROOT, 'dist', 'runtimes', 'node', 'client.js');
const PYTHON_BOOTSTRAP = join(PACKAGE_ROOT, 'src', 'runtimes', 'python', 'bootstrap.py');

function onPath(name: string): string | undefined {
  for (const dir of (process.env['PATH'] ?? '').split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      continue;
    }
  }
  return undefined;
}

let pythonPath: string | null | undefined;
/** /usr/bin/python3 if present, else python3 on PATH; looked up once. */
function python3(): string | undefined {
  if (pythonPath === undefined) pythonPath = existsSync('/usr/bin/python3') ? '/usr/bin/python3' : (onPath('python3') ?? null);
  return pythonPath ?? undefined;
}

const RECIPES: Readonly<Record<RuntimeFamily, (codeDir: string) => LaunchRecipe>> = {
  nodejs: () => ({
    command: process.execPath,
    args: [NODE_CLIENT],
    runtimeDir: dirname(NODE_CLIENT),
    // Leave a tenth for the non-heap part of the process, as a cgroup would count it.
    memoryCapArgs: (memoryMb) => [`--max-old-space-size=${Math.max(16, Math.floor(memoryMb * 0.9))}`],
  }),
  python: () => ({
    command: python3() ?? 'python3',
    args: ['-u', PYTHON_BOOTSTRAP],
    runtimeDir: dirname(PYTHON_BOOTSTRAP),
    memoryCapArgs: () => [],
  }),
  provided: (codeDir) => ({
    command: join(codeDir, 'bootstrap'),
    args: [],
    runtimeDir: codeDir,
    memoryCapArgs: () => [],
  }),
};

/** The recipe for a runtime id, or undefined when the table does not know it. */
export function launchRecipe(runtime: string, codeDir: string): LaunchRecipe | undefined {
  const entry = RUNTIMES[runtime];
  if (!entry) return undefined;
  return RECIPES[entry.family](codeDir);
}

export type RuntimeSupport = { readonly ok: true } | { readonly ok: false; readonly reason: string };

const FAMILY_CHECKS: Readonly<Record<RuntimeFamily, (runtime: string) => RuntimeSupport>> = {
  nodejs: () =>
    existsSync(NODE_CLIENT)
      ? { ok: true }
      : { ok: false, reason: `the Node.js runtime client is not built (${NODE_CLIENT} is missing; run npm run build)` },
  python: (runtime) => {
    if (!python3()) return { ok: false, reason: `${runtime} needs python3, which is neither /usr/bin/python3 nor on PATH` };
    if (!existsSync(PYTHON_BOOTSTRAP)) return { ok: false, reason: `the Python runtime client is missing (${PYTHON_BOOTSTRAP})` };
    return { ok: true };
  },
  provided: () => ({ ok: true }),
};

const supportCache = new Map<string, RuntimeSupport>();

/** Whether this machine can run `runtime` with the process executor; checked once per id. */
export function runtimeSupport(runtime: string): RuntimeSupport {
  const cached = supportCache.get(runtime);
  if (cached) return cached;
  const entry = RUNTIMES[runtime];
  let support: RuntimeSupport;
  if (entry) support = FAMILY_CHECKS[entry.family](runtime);
  else if (NOT_RUNNABLE.test(runtime)) {
    support = {
      ok: false,
      reason: `${runtime} is a Lambda runtime, but lambdalite has no runtime client for it; use provided.al2023 with your own bootstrap, or a Node.js or Python runtime`,
    };
  } else support = { ok: false, reason: `unknown runtime '${runtime}'` };
  supportCache.set(runtime, support);
  return support;
}
