// The docker executor: the shared invoke behaviours (invoke-cases.ts) with one container per
// execution environment, then what is its own: the container's shape (read-only code, tmpfs /tmp,
// memory limit without swap, labels), layers at /opt, missing images, clean shutdown.
import { randomBytes } from 'node:crypto';
import t from 'tap';
import { DockerExecutor } from '../../src/execution/docker-executor.js';
import { instanceContainers } from '../../src/execution/docker-labels.js';
import { firstHost, inSubnet } from '../../src/execution/docker-network.js';
import { DOCKER_HOST, dockerSkip, environmentContainers, testDocker, testDockerExecutor } from './docker-helpers.js';
import { engineFor, envIdOf, eventually, fixtureSpec, json, request } from './helpers.js';
import { runInvokeCases } from './invoke-cases.js';

const skip = dockerSkip();
// Cold starts of containers on a busy machine take seconds each; the table has a dozen of them.
t.setTimeout(600_000);

t.test('docker executor', { skip }, async (t) => {
  const executor = await testDockerExecutor(t);
  const gateway = executor.runtimeApiHost.advertise;

  runInvokeCases(t, {
    name: 'docker',
    engine: (t, keepAliveMs) => engineFor(t, keepAliveMs, executor),
    sees: {
      taskRoot: () => '/var/task',
      providedRuntimeDir: () => '/var/runtime',
      tmpDir: () => '/tmp',
      path: undefined, // the image's
      runtimeApi: new RegExp(`^${gateway.replace(/\./g, '\\.')}:\\d+$`),
    },
    // Docker sets HOSTNAME and HOME; the base image sets the other two for npm.
    extraVariables: ['HOSTNAME', 'HOME', 'NODE_EXTRA_CA_CERTS', 'npm_config_nodedir'],
    gone: async (envId) => eventually(async () => (await environmentContainers(executor.docker, envId)).length === 0, 10_000),
    oomSkip: false,
  });

  t.test('the container: code read-only at /var/task, /tmp a tmpfs, memory without swap, labels', async (t) => {
    const { engine } = await engineFor(t, 60_000, executor);
    const spec = fixtureSpec('provided-echo', { memoryMb: 256, ephemeralStorageMb: 600 });
    const result = await engine.invoke(spec, request(spec));
    t.equal(result.outcome, 'success');
    const [found] = await environmentContainers(executor.docker, envIdOf(result));
    t.ok(found, 'the warm environment has its container');
    const info = await executor.docker.getContainer(found!.Id).inspect();
    t.equal(info.State.Running, true);
    t.match(info.HostConfig, {
      Binds: [`${spec.codeDir}:/var/task:ro`],
      Tmpfs: { '/tmp': /size=600m/ },
      ReadonlyRootfs: true,
      Memory: 256 * 1024 * 1024,
      MemorySwap: 256 * 1024 * 1024,
      NetworkMode: 'bridge',
    });
    t.match(info.Config.Labels, {
      'lambdalite.managed': 'true',
      'lambdalite.instance': executor.instance,
      'lambdalite.function': 'provided-echo',
      'lambdalite.version': '$LATEST',
      'lambdalite.environment': envIdOf(result),
    });
    t.equal(info.Config.Image, 'lambdalite/runtime:provided.al2023', 'the local image, as no official one is here');
  });

  t.test('layers: the merged tree read-only at /opt, its bin first on PATH', async (t) => {
    const { engine } = await engineFor(t, 60_000, executor);
    const optDir = t.testdir({ bin: { 'layer-tool': '#!/bin/sh\necho tool\n' } });
    const spec = fixtureSpec('provided-envdump', { optDir });
    const result = await engine.invoke(spec, request(spec));
    const env = json(result.payload) as Record<string, string>;
    t.match(env, { PATH: /^\/opt\/bin:\/usr\/local\/sbin:/, LD_LIBRARY_PATH: /^\/opt\/lib/ });
  });

  t.test('a runtime without an image fails at init, naming the build script', async (t) => {
    const missing = await testDockerExecutor(t, { 'provided.al2023': 'lambdalite/no-such-image:1' });
    const { engine } = await engineFor(t, 60_000, missing);
    const spec = fixtureSpec('provided-echo');
    const result = await engine.invoke(spec, request(spec));
    t.equal(result.outcome, 'init-error');
    t.match(json(result.payload), {
      errorType: 'InvalidRuntimeException',
      errorMessage: /no image for runtime provided\.al2023: lambdalite\/no-such-image:1 could not be pulled .*docker\/runtimes\/build\.sh/,
    });
  });

  t.test('a provided.* function without a bootstrap: Runtime.InvalidEntrypoint', async (t) => {
    const { engine } = await engineFor(t, 60_000, executor);
    const spec = fixtureSpec('provided-echo', { codeDir: t.testdir({ 'readme.txt': 'no bootstrap here' }) });
    const result = await engine.invoke(spec, request(spec));
    t.match(json(result.payload), {
      errorType: 'Runtime.InvalidEntrypoint',
      errorMessage: /Couldn't find valid bootstrap\(s\): \[\/var\/task\/bootstrap \/opt\/bootstrap\]/,
    });
  });

  t.test('shutdown removes every container, busy ones included', async (t) => {
    const { engine } = await engineFor(t, 60_000, executor);
    const echo = fixtureSpec('provided-echo', { functionName: 'shutdown-echo' });
    const slow = fixtureSpec('provided-sleep', { functionName: 'shutdown-sleep', timeoutSeconds: 60 });
    await engine.invoke(echo, request(echo));
    const inFlight = engine.invoke(slow, request(slow));
    t.ok(await eventually(() => engine.stats()['shutdown-sleep:$LATEST']?.busy === 1, 30_000), 'the slow one is running');
    const mine = async () =>
      (await instanceContainers(executor.docker, executor.instance)).length;
    t.ok((await mine()) >= 2, 'two containers exist');
    await engine.shutdown();
    t.equal(await mine(), 0, 'no container is left when shutdown resolves');
    t.equal((await inFlight).outcome, 'crash', 'the busy invocation ends as a crash');
  });
});

t.test('--docker-network: containers join the named network and reach lambdalite on it', { skip }, async (t) => {
  const docker = testDocker();
  const name = `lambdalite-test-${randomBytes(4).toString('hex')}`;
  await docker.createNetwork({ Name: name, Driver: 'bridge' });
  // Registered first, so it runs last: after the engine has removed the network's containers.
  t.teardown(() => docker.getNetwork(name).remove().catch(() => undefined));
  const dataDir = t.testdir({});
  const { executor } = await DockerExecutor.create({ dockerHost: DOCKER_HOST, network: name, runtimeImages: undefined, dataDir });
  const subnet = ((await docker.getNetwork(name).inspect()) as { IPAM: { Config: { Subnet: string }[] } }).IPAM.Config[0]!.Subnet;
  t.ok(inSubnet(executor.runtimeApiHost.bind, subnet), `the Runtime API binds lambdalite's address on ${subnet}: ${executor.runtimeApiHost.bind}`);
  const { engine } = await engineFor(t, 60_000, executor);
  const spec = fixtureSpec('provided-envdump');
  const result = await engine.invoke(spec, request(spec));
  t.equal(result.outcome, 'success', result.payload.toString());
  const api = (json(result.payload) as Record<string, string>)['AWS_LAMBDA_RUNTIME_API'];
  t.equal(api?.split(':')[0], executor.runtimeApiHost.advertise, 'the runtime calls that address');
  const [found] = await environmentContainers(docker, envIdOf(result));
  t.equal((await docker.getContainer(found!.Id).inspect()).HostConfig.NetworkMode, name);
});

t.test('subnets: which local address containers on a network reach', async (t) => {
  const cases: [string, string, boolean][] = [
    ['172.17.0.1', '172.17.0.0/16', true],
    ['172.18.0.5', '172.17.0.0/16', false],
    ['10.0.3.7', '10.0.3.0/24', true],
    ['10.0.4.7', '10.0.3.0/24', false],
    ['192.168.1.1', 'fd00::/64', false],
  ];
  for (const [ip, subnet, inside] of cases) t.equal(inSubnet(ip, subnet), inside, `${ip} in ${subnet}`);
  t.equal(firstHost('172.17.0.0/16'), '172.17.0.1', "the default bridge's gateway");
  t.equal(firstHost('10.0.3.0/24'), '10.0.3.1');
});
