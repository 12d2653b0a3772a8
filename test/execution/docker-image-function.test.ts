// A container-image function (PackageType Image): an image built here FROM a runtime image, run
// through the engine with spec.image and no code folder, its CMD the handler; ImageConfig's
// Command, EntryPoint and WorkingDirectory replace the image's; a missing image fails at init.
import { randomBytes } from 'node:crypto';
import t from 'tap';
import { dockerProgress } from '../../src/execution/docker-connection.js';
import { dockerSkip, testDockerExecutor } from './docker-helpers.js';
import { engineFor, fixtureSpec, json, lines, request } from './helpers.js';

const skip = dockerSkip();
t.setTimeout(300_000);

const APP = `
exports.handler = async (event) => ({
  handler: 'handler', event, _HANDLER: process.env._HANDLER, cwd: process.cwd(),
  taskRoot: process.env.LAMBDA_TASK_ROOT, executionEnv: process.env.AWS_EXECUTION_ENV ?? null,
});
exports.other = async () => ({ handler: 'other', cwd: process.cwd() });
`;

const DOCKERFILE = `FROM lambdalite/runtime:nodejs20.x
COPY app.js /var/task/
CMD ["app.handler"]
`;

t.test('container-image functions', { skip }, async (t) => {
  const executor = await testDockerExecutor(t);
  const { docker } = executor;
  const tag = `lambdalite-test/image-fn:${randomBytes(4).toString('hex')}`;
  const context = t.testdir({ Dockerfile: DOCKERFILE, 'app.js': APP });
  const output = await dockerProgress(docker, await docker.buildImage({ context, src: ['Dockerfile', 'app.js'] }, { t: tag }));
  t.same(output.filter((o) => o.error !== undefined).map((o) => o.error), [], 'the image builds');
  t.teardown(() => docker.getImage(tag).remove({ force: true }).catch(() => undefined));
  const { engine } = await engineFor(t, 60_000, executor);
  const imageSpec = (name: string, image: Record<string, unknown> = {}) =>
    fixtureSpec(name, { runtime: '', handler: '', codeDir: '', image: { uri: tag, ...image } });

  t.test("the image's own entrypoint and CMD", async (t) => {
    const spec = imageSpec('image-fn');
    const req = request(spec, { hello: 'image' });
    const result = await engine.invoke(spec, req);
    t.equal(result.outcome, 'success', result.payload.toString());
    t.same(json(result.payload), {
      handler: 'handler',
      event: { hello: 'image' },
      _HANDLER: 'app.handler',
      cwd: '/var/task',
      taskRoot: '/var/task',
      executionEnv: null, // AWS sets none for container images: the image brings the runtime
    });
    const warm = await engine.invoke(spec, request(spec, { n: 2 }));
    t.equal(warm.logStreamName, result.logStreamName, 'warm reuse as for any function');
  });

  t.test('ImageConfig.Command and WorkingDirectory replace the image CMD and WORKDIR', async (t) => {
    const spec = imageSpec('image-fn-command', { command: ['app.other'], workingDirectory: '/tmp' });
    const result = await engine.invoke(spec, request(spec));
    t.same(json(result.payload), { handler: 'other', cwd: '/tmp' });
  });

  t.test('ImageConfig.EntryPoint replaces the entrypoint; the CMD is still its argument', async (t) => {
    const entryPoint = ['/bin/sh', '-c', 'echo "custom entrypoint for $0"; exec /lambda-entrypoint.sh "$0"'];
    const spec = imageSpec('image-fn-entrypoint', { entryPoint });
    const result = await engine.invoke(spec, request(spec));
    t.equal(result.outcome, 'success', result.payload.toString());
    t.ok(lines(result).includes('custom entrypoint for app.handler'), 'the custom entrypoint ran, given the CMD');
  });

  t.test('an image that is not there fails at init with InvalidImage', async (t) => {
    const spec = fixtureSpec('image-missing', { runtime: '', handler: '', codeDir: '', image: { uri: 'lambdalite-test/no-such-image:1' } });
    const result = await engine.invoke(spec, request(spec));
    t.equal(result.outcome, 'init-error');
    t.match(json(result.payload), { errorType: 'InvalidImage', errorMessage: /image lambdalite-test\/no-such-image:1 is not on this Docker Engine/ });
  });
});
