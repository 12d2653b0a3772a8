// The real AWS CLI v2 creating and reading a container-image function, as a user types it.
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import t from 'tap';
import { AWS_CLI, awsLambda } from '../helpers/cli.js';
import { ROLE, startTestServer } from '../helpers/server.js';

t.test('aws lambda create-function --package-type Image', async (t) => {
  if (!existsSync(AWS_CLI)) {
    throw new Error(`${AWS_CLI} is missing: .ci/run must install Debian's awscli package (apt-get install awscli) for this test`);
  }
  const { server } = await startTestServer(t);
  const home = t.testdir({});
  const created = await awsLambda(server.url, home, [
    'create-function', '--function-name', 'cli-img', '--package-type', 'Image', '--code', 'ImageUri=cli-img:latest',
    '--role', ROLE, '--image-config', 'Command=app.handler,WorkingDirectory=/srv',
  ]);
  t.equal(created.code, 0, created.stderr);
  const digest = createHash('sha256').update('cli-img:latest').digest('hex');
  t.match(JSON.parse(created.stdout), {
    FunctionName: 'cli-img',
    PackageType: 'Image',
    CodeSha256: digest,
    CodeSize: 0,
    ImageConfigResponse: { ImageConfig: { Command: ['app.handler'], WorkingDirectory: '/srv' } },
  });

  const got = await awsLambda(server.url, home, ['get-function', '--function-name', 'cli-img']);
  t.equal(got.code, 0, got.stderr);
  t.same(JSON.parse(got.stdout).Code, { RepositoryType: 'ECR', ImageUri: 'cli-img:latest', ResolvedImageUri: `cli-img@sha256:${digest}` });

  const refused = await awsLambda(server.url, home, [
    'create-function', '--function-name', 'cli-bad', '--package-type', 'Image', '--code', 'ImageUri=cli-img:latest',
    '--role', ROLE, '--runtime', 'nodejs20.x',
  ]);
  t.equal(refused.code, 254, 'a service error exits 254');
  t.match(refused.stderr, "An error occurred (InvalidParameterValueException) when calling the CreateFunction operation: Please don't provide Handler or Runtime or Layer when the intended function PackageType is Image.");
});
