// Containers left behind by a server that was killed (SIGKILL: no chance to stop them) are removed
// when a server starts again on the same data directory — and only those: another data directory's
// containers stay.
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { instanceContainers } from '../../src/execution/docker-labels.js';
import { clientFor, NODE_ECHO, tempDir } from '../helpers/server.js';
import { deploy, invoke } from '../helpers/invoke.js';
import { dockerSkip, DOCKER_HOST, testDocker, testDockerExecutor } from './docker-helpers.js';
import { engineFor, fixtureSpec, request } from './helpers.js';

const skip = dockerSkip();
t.setTimeout(300_000);
const CLI = new URL('../../dist/cli.js', import.meta.url).pathname;

/** Starts `lambdalite serve --executor docker` on the data directory; resolves with its URL once it listens. */
async function serve(t: { teardown(fn: () => unknown): void }, dataDir: string): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, [CLI, 'serve', '--executor', 'docker', '--port', '0', '--data-dir', dataDir], {
    env: { ...process.env, DOCKER_HOST, LAMBDALITE_LOG_LEVEL: 'info' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  t.teardown(() => child.kill('SIGKILL'));
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    const read = (c: Buffer) => {
      out += c.toString();
      const m = /"url":"(http:\/\/[^"]+)"/.exec(out);
      if (m) resolve(m[1]!);
    };
    child.stdout!.on('data', read);
    child.stderr!.on('data', read);
    child.once('exit', (code) => reject(new Error(`exited ${code}: ${out}`)));
  });
  return { child, url };
}

t.test('orphan containers of a killed server are removed at the next start', { skip }, async (t) => {
  const dataDir = tempDir();
  t.teardown(() => rmSync(dataDir, { recursive: true, force: true }));
  const docker = testDocker();

  // Another server's warm container, which must survive this data directory's clean-up.
  const other = await testDockerExecutor(t);
  const { engine } = await engineFor(t, 60_000, other);
  const echo = fixtureSpec('provided-echo');
  await engine.invoke(echo, request(echo));

  const first = await serve(t, dataDir);
  const lambda = clientFor(first.url);
  t.teardown(() => lambda.destroy());
  await deploy(lambda, 'orphan-echo', NODE_ECHO);
  const answered = await invoke(lambda, 'orphan-echo', { warm: true });
  t.same(answered.body, { warm: true });
  const instance = readFileSync(join(dataDir, 'instance-id'), 'utf8').trim();
  const left = await instanceContainers(docker, instance);
  t.equal(left.length, 1, 'the warm environment has a container');

  const killed = new Promise((resolve) => first.child.once('exit', resolve));
  first.child.kill('SIGKILL');
  await killed;
  t.same(await instanceContainers(docker, instance), left, 'SIGKILL leaves the container behind');

  const second = await serve(t, dataDir);
  t.same(await instanceContainers(docker, instance), [], "the earlier run's container is gone once the server listens");
  t.equal((await instanceContainers(docker, other.instance)).length, 1, "another data directory's container stays");

  const exited = new Promise((resolve) => second.child.once('exit', resolve));
  second.child.kill('SIGTERM');
  t.equal(await exited, 0, 'a clean stop');
});
