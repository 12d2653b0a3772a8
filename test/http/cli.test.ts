// The real AWS CLI v2 (Debian's awscli package) against a real server: the commands a user types,
// their JSON output, and the exit code and stderr of an error.
import { createHash } from 'node:crypto';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import t, { type Test } from 'tap';
import { AWS_CLI, awsLambda } from '../helpers/cli.js';
import { NODE_ECHO, ROLE, startTestServer, zip } from '../helpers/server.js';

/** Runs a command that must succeed and parses its JSON output ({} for none). */
async function ok(t: Test, url: string, home: string, args: string[]): Promise<Record<string, any>> {
  const res = await awsLambda(url, home, args);
  t.equal(res.code, 0, `aws lambda ${args[0]} exits 0${res.code === 0 ? '' : `: ${res.stderr}`}`);
  return res.stdout.trim() === '' ? {} : JSON.parse(res.stdout);
}

t.test('the AWS CLI drives the control plane', async (t) => {
  if (!existsSync(AWS_CLI)) {
    throw new Error(`${AWS_CLI} is missing: .ci/run must install Debian's awscli package (apt-get install awscli) for this test`);
  }
  const { server } = await startTestServer(t);
  const url = server.url;
  const home = t.testdir({});
  const code = await zip(NODE_ECHO);
  const zipPath = join(home, 'function.zip');
  writeFileSync(zipPath, code);

  t.same(await ok(t, url, home, ['list-functions']), { Functions: [] }, 'no functions yet');

  const created = await ok(t, url, home, [
    'create-function', '--function-name', 'cli-fn', '--runtime', 'nodejs20.x', '--handler', 'index.handler',
    '--role', ROLE, '--zip-file', `fileb://${zipPath}`, '--timeout', '15', '--environment', 'Variables={STAGE=cli}',
  ]);
  t.match(created, {
    FunctionName: 'cli-fn',
    FunctionArn: 'arn:aws:lambda:us-east-1:000000000000:function:cli-fn',
    Runtime: 'nodejs20.x',
    Timeout: 15,
    Environment: { Variables: { STAGE: 'cli' } },
    CodeSha256: createHash('sha256').update(code).digest('base64'),
    CodeSize: code.length,
    State: 'Active',
  });

  const version = await ok(t, url, home, ['publish-version', '--function-name', 'cli-fn', '--description', 'first']);
  t.match(version, { Version: '1', Description: 'first', FunctionArn: 'arn:aws:lambda:us-east-1:000000000000:function:cli-fn:1' });

  const alias = await ok(t, url, home, ['create-alias', '--function-name', 'cli-fn', '--name', 'live', '--function-version', '1']);
  t.match(alias, { Name: 'live', FunctionVersion: '1', AliasArn: 'arn:aws:lambda:us-east-1:000000000000:function:cli-fn:live' });

  const got = await ok(t, url, home, ['get-function', '--function-name', 'cli-fn', '--qualifier', 'live']);
  t.match(got, { Configuration: { Version: '1', Timeout: 15 }, Code: { RepositoryType: 'S3' } });
  const downloaded = Buffer.from(await (await fetch(got.Code.Location)).arrayBuffer());
  t.ok(downloaded.equals(code), 'Code.Location from the CLI downloads the uploaded zip');

  const listed = await ok(t, url, home, ['list-functions']);
  t.same(listed.Functions.map((f: { FunctionName: string }) => f.FunctionName), ['cli-fn']);

  t.same(await ok(t, url, home, ['delete-function', '--function-name', 'cli-fn']), {}, 'delete-function prints nothing');
  t.same(await ok(t, url, home, ['list-functions']), { Functions: [] }, 'and the function is gone');

  const missing = await awsLambda(url, home, ['get-function', '--function-name', 'cli-fn']);
  t.ok(missing.code === 254 || missing.code === 255, `a service error exits 254/255 (got ${missing.code})`);
  t.match(missing.stderr, /ResourceNotFoundException/);
  t.match(missing.stderr, /Function not found: arn:aws:lambda:us-east-1:000000000000:function:cli-fn/);
  t.equal(missing.stdout, '', 'nothing on stdout');
});
