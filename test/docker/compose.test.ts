// The compose example (docker/docker-compose.yml) brought up as a user would: lambdalite's image
// is built, its health check passes, and the integration-test container, which uses the AWS SDK
// against http://lambdalite:3001 with a Node.js and a Python function, exits 0. Needs a Docker
// daemon and docker-compose; LAMBDALITE_SKIP_DOCKER_TESTS=1 skips it where there is none.
// The base image is LAMBDALITE_BASE_IMAGE, else lambdalite/base:bookworm (docker/base/build.sh).
import { execFile, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import t from 'tap';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const COMPOSE_FILE = fileURLToPath(new URL('../../docker/docker-compose.yml', import.meta.url));
const BASE_IMAGE = process.env.LAMBDALITE_BASE_IMAGE || 'lambdalite/base:bookworm';
const PROJECT = `lambdalitetest${process.pid}`;
const SKIP = process.env.LAMBDALITE_SKIP_DOCKER_TESTS === '1';

// A cold build compiles better-sqlite3 and installs every npm dependency; later runs reuse layers.
t.setTimeout(25 * 60_000);

interface Run {
  readonly code: number | null;
  readonly output: string;
}

function run(command: string, args: readonly string[], timeoutMs: number): Promise<Run> {
  return new Promise((resolve) => {
    const child = spawn(command, args, {
      cwd: ROOT,
      env: { ...process.env, LAMBDALITE_BASE_IMAGE: BASE_IMAGE },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    const collect = (chunk: Buffer) => (output += chunk.toString('utf8'));
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    const timer = setTimeout(() => child.kill('SIGTERM'), timeoutMs);
    child.on('error', (err) => {
      clearTimeout(timer);
      resolve({ code: null, output: `${command}: ${err.message}` });
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

function dockerReachable(): Promise<string | undefined> {
  return new Promise((resolve) => {
    execFile('docker', ['info', '--format', '{{.ServerVersion}}'], { timeout: 30_000 }, (err, _stdout, stderr) => {
      resolve(err ? (stderr.trim() || err.message) : undefined);
    });
  });
}

const tail = (text: string, lines = 60) => text.trimEnd().split('\n').slice(-lines).join('\n');

t.test('the compose example: lambdalite healthy, the SDK test container exits 0', { skip: SKIP && 'LAMBDALITE_SKIP_DOCKER_TESTS=1' }, async (t) => {
  const unreachable = await dockerReachable();
  if (unreachable !== undefined) {
    t.fail(`Docker is not reachable (${unreachable}): start dockerd (as .ci/run does), or set LAMBDALITE_SKIP_DOCKER_TESTS=1 to skip the container tests`);
    return;
  }
  if (!process.env.LAMBDALITE_BASE_IMAGE) {
    const base = await run('docker', ['image', 'inspect', '--format', '{{.Id}}', BASE_IMAGE], 30_000);
    if (base.code !== 0) {
      t.fail(`the base image ${BASE_IMAGE} is missing: build it with docker/base/build.sh, or set LAMBDALITE_BASE_IMAGE (e.g. node:20-bookworm where a registry is reachable)`);
      return;
    }
  }

  const compose = ['-f', COMPOSE_FILE, '-p', PROJECT];
  t.teardown(async () => {
    const down = await run('docker-compose', [...compose, 'down', '-v', '--remove-orphans'], 120_000);
    if (down.code !== 0) console.error(`docker-compose down failed:\n${tail(down.output)}`);
  });
  const up = await run('docker-compose', [...compose, 'up', '--build', '--exit-code-from', 'integration-test'], 24 * 60_000);
  t.equal(up.code, 0, 'integration-test exits 0', { output: up.code === 0 ? undefined : tail(up.output) });
  t.match(up.output, /ok compose-example-node \(nodejs20\.x\): \{"greeting":"hello node"/, 'the Node.js function answered');
  t.match(up.output, /ok compose-example-python \(python3\.12\): \{"sum":42/, 'the Python function answered');
  t.match(up.output, /all checks passed/);
});
