import t from 'tap';
import { ConfigError, helpText, loadConfig } from '../src/config.js';

t.test('defaults, flags and environment variables', async (t) => {
  const d = loadConfig([], {});
  t.match(d, { host: '127.0.0.1', port: 3001, dataDir: './.lambdalite', region: 'us-east-1', accountId: '000000000000', logLevel: 'info' });
  t.equal(loadConfig(['--port', '4000'], { LAMBDALITE_PORT: '5000' }).port, 4000, 'a flag beats the environment');
  t.equal(loadConfig([], { LAMBDALITE_PORT: '5000' }).port, 5000);
  t.equal(loadConfig(['--data-dir=/tmp/x'], {}).dataDir, '/tmp/x');
  t.equal(loadConfig(['--region', 'eu-west-1', '--account-id', '123456789012'], {}).accountId, '123456789012');
});

t.test('bad values are refused with a message naming flag and variable', async (t) => {
  const cases: [string[], NodeJS.ProcessEnv, RegExp][] = [
    [['--port', 'abc'], {}, /--port \/ LAMBDALITE_PORT: expected a whole number/],
    [['--port', '70000'], {}, /from 0 to 65535/],
    [[], { LAMBDALITE_REGION: 'mars' }, /--region \/ LAMBDALITE_REGION/],
    [['--account-id', '12'], {}, /twelve digits/],
    [['--log-level', 'loud'], {}, /expected one of fatal/],
    [['--nope', '1'], {}, /unknown option --nope/],
    [['--port'], {}, /--port needs a value/],
  ];
  for (const [argv, env, message] of cases) {
    t.throws(() => loadConfig(argv, env), { constructor: ConfigError, message }, argv.join(' ') || JSON.stringify(env));
  }
});

t.test('help lists every option with its default and variable', async (t) => {
  const help = helpText();
  for (const s of ['--host', '--port', '--data-dir', '--region', '--account-id', '--log-level', 'LAMBDALITE_PORT', 'default: 3001']) {
    t.match(help, s);
  }
});

t.test('async queue settings: defaults, flags, variables and checks', async (t) => {
  const d = loadConfig([], {});
  t.match(d, { asyncRetryDelayMs: 60000, asyncWorkers: 64, asyncFunctionConcurrency: 16 });
  t.equal(d.sqsEndpoint, undefined, 'no destination endpoints unless configured');
  t.equal(loadConfig(['--async-retry-delay-ms', '200'], {}).asyncRetryDelayMs, 200);
  t.equal(loadConfig([], { LAMBDALITE_ASYNC_RETRY_DELAY_MS: '1000' }).asyncRetryDelayMs, 1000);
  const endpoints = loadConfig(['--sqs-endpoint', 'http://elasticmq:9324'], {
    LAMBDALITE_SNS_ENDPOINT: 'http://sns:9911', LAMBDALITE_EVENTBRIDGE_ENDPOINT: 'https://events.local',
  });
  t.match(endpoints, { sqsEndpoint: 'http://elasticmq:9324', snsEndpoint: 'http://sns:9911', eventbridgeEndpoint: 'https://events.local' });
  t.throws(() => loadConfig(['--async-retry-delay-ms', 'soon'], {}), { message: /--async-retry-delay-ms \/ LAMBDALITE_ASYNC_RETRY_DELAY_MS: expected a whole number/ });
  t.throws(() => loadConfig(['--async-workers', '0'], {}), { message: /--async-workers \/ LAMBDALITE_ASYNC_WORKERS: expected a number from 1/ });
  t.throws(() => loadConfig(['--sqs-endpoint', 'elasticmq:9324'], {}), { message: /--sqs-endpoint \/ LAMBDALITE_SQS_ENDPOINT: expected a URL/ });
});

t.test('docker executor settings: defaults, flags, variables and checks', async (t) => {
  const d = loadConfig([], {});
  t.match(d, { executor: 'process', dockerHost: 'unix:///var/run/docker.sock', dockerNetwork: undefined, runtimeImages: undefined });
  t.match(loadConfig(['--executor', 'docker', '--docker-network', 'itest_default'], { DOCKER_HOST: 'tcp://docker:2375' }), {
    executor: 'docker', dockerNetwork: 'itest_default', dockerHost: 'tcp://docker:2375',
  });
  t.equal(loadConfig([], { LAMBDALITE_EXECUTOR: 'docker' }).executor, 'docker');
  t.equal(loadConfig([], { DOCKER_HOST: 'ssh://me@host' }).dockerHost, 'ssh://me@host', "the docker CLI's other schemes do not stop the process executor");
  t.same(loadConfig(['--runtime-images', 'nodejs20.x=my/node:20, python3.12=registry.local:5000/py@sha256:abc'], {}).runtimeImages, {
    'nodejs20.x': 'my/node:20',
    'python3.12': 'registry.local:5000/py@sha256:abc',
  });
  const cases: [string[], NodeJS.ProcessEnv, RegExp][] = [
    [['--executor', 'kubernetes'], {}, /--executor \/ LAMBDALITE_EXECUTOR: expected one of process, docker/],
    [[], { DOCKER_HOST: 'docker.local' }, /--docker-host \/ DOCKER_HOST: expected unix:\/\/\/path/],
    [['--runtime-images', 'nodejs20.x'], {}, /--runtime-images \/ LAMBDALITE_RUNTIME_IMAGES: expected runtime=image pairs/],
    [['--runtime-images', 'java21=my/java'], {}, /unknown runtime 'java21'/],
    [['--runtime-images', 'nodejs20.x=a,nodejs20.x=b'], {}, /given twice/],
  ];
  for (const [argv, env, message] of cases) {
    t.throws(() => loadConfig(argv, env), { constructor: ConfigError, message }, argv.join(' ') || JSON.stringify(env));
  }
});
