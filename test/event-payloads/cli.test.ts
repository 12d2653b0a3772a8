// `lambdalite event` as a user runs it: the compiled dist/cli.js in a child process (build first:
// `npx tsc -p .`), and its output fed to the real AWS CLI's `lambda invoke --payload`.
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { NODE_ECHO, ROLE, startTestServer, zip } from '../helpers/server.js';
import { CreateFunctionCommand } from '@aws-sdk/client-lambda';

const CLI = new URL('../../dist/cli.js', import.meta.url).pathname;
const AWS = '/usr/bin/aws';

interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

function run(file: string, args: string[], env: NodeJS.ProcessEnv = process.env): Promise<Run> {
  return new Promise((resolve) => {
    execFile(file, args, { env, timeout: 60_000 }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : -1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

const lambdalite = (...args: string[]) => run(process.execPath, [CLI, ...args]);

t.before(() => {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: build first (npx tsc -p .)`);
});

t.test('event s3 put prints the event as pretty JSON, with the bucket and the key encoded', async (t) => {
  const res = await lambdalite('event', 's3', 'put', '--bucket', 'b', '--key', 'a b.txt');
  t.equal(res.code, 0, res.stderr);
  t.equal(res.stderr, '');
  t.match(res.stdout, /^\{\n {2}"Records": \[\n {4}\{\n/, '2-space indentation');
  const record = JSON.parse(res.stdout).Records[0];
  t.equal(record.eventSource, 'aws:s3');
  t.equal(record.eventName, 'ObjectCreated:Put');
  t.equal(record.s3.bucket.name, 'b');
  t.equal(record.s3.bucket.arn, 'arn:aws:s3:::b');
  t.equal(record.s3.object.key, 'a+b.txt');
});

t.test('--flag=value works too, and the last of a repeated flag wins', async (t) => {
  const res = await lambdalite('event', 'sqs', 'receive-message', '--body=hi', '--queue-name', 'q1', '--queue-name=q2');
  t.equal(res.code, 0, res.stderr);
  const record = JSON.parse(res.stdout).Records[0];
  t.equal(record.body, 'hi');
  t.match(record.eventSourceARN, /:q2$/);
});

t.test('--help at each level', async (t) => {
  const top = await lambdalite('--help');
  t.match(top.stdout, /lambdalite event <service> <event>/, 'the main help mentions the event command');

  const services = await lambdalite('event', '--help');
  t.equal(services.code, 0);
  for (const name of ['apigateway', 'cloudwatch', 'dynamodb', 's3', 'sns', 'sqs']) t.match(services.stdout, new RegExp(`^ {2}${name} `, 'm'));

  const events = await lambdalite('event', 'apigateway', '--help');
  t.equal(events.code, 0);
  t.match(events.stdout, /^ {2}aws-proxy .*payload format 1\.0/m);
  t.match(events.stdout, /^ {2}http-api-proxy .*payload format 2\.0/m);

  const flags = await lambdalite('event', 's3', 'put', '--help');
  t.equal(flags.code, 0);
  t.match(flags.stdout, /--bucket <value> .*\(default: 'example-bucket'\)/);
  t.match(flags.stdout, /--key <value> .*\(default: 'test\/key'\)/);
  t.match(flags.stdout, /--region <value> .*\(default: 'us-east-1'\)/);
  t.match(flags.stdout, /--partition <value> .*\(default: 'aws'\)/);

  const late = await lambdalite('event', 'sns', 'notification', '--topic', 't', '--help');
  t.match(late.stdout, /--subject <value>/, '--help after other flags still shows the help');
});

t.test('unknown names and flags: a clear message on stderr, exit code 2', async (t) => {
  const cases: Array<[string[], RegExp]> = [
    [['event', 'kinesis', 'get-records'], /^lambdalite: unknown service 'kinesis' \(services: apigateway, cloudwatch, dynamodb, s3, sns, sqs\)/],
    [['event', 's3', 'copy'], /^lambdalite: unknown event 'copy' of s3 \(events: put, delete\)/],
    [['event', 's3', 'put', '--table', 'x'], /^lambdalite: unknown flag --table for 's3 put' \(flags: --region, --partition, --bucket, --key\)/],
    [['event', 's3', 'put', '--key'], /^lambdalite: --key needs a value/],
    [['event', 's3', 'put', 'extra'], /^lambdalite: unexpected argument 'extra'/],
    [['event', 's3'], /^lambdalite: name an event of s3\n.*\n[^]*put/],
    [['event'], /^lambdalite: name a service/],
    [['event', 'apigateway', 'aws-proxy', '--querystringparameters', 'x=1'], /expected a JSON object/],
  ];
  const results = await Promise.all(cases.map(([args]) => lambdalite(...args)));
  for (const [i, [args, message]] of cases.entries()) {
    const res = results[i]!;
    t.equal(res.code, 2, `${args.join(' ')}: exit code 2`);
    t.match(res.stderr, message, `${args.join(' ')}: says why`);
    t.equal(res.stdout, '', `${args.join(' ')}: nothing on stdout`);
  }
});

t.test('the output works as `aws lambda invoke --payload`', async (t) => {
  if (!existsSync(AWS)) {
    throw new Error(`${AWS} is missing: .ci/run must install Debian's awscli package (apt-get install awscli) for this test`);
  }
  const { server, lambda } = await startTestServer(t);
  await lambda.send(new CreateFunctionCommand({
    FunctionName: 'echo', Runtime: 'nodejs20.x', Handler: 'index.handler', Role: ROLE, Code: { ZipFile: await zip(NODE_ECHO) },
  }));
  const dir = t.testdir({});
  const env = {
    PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: dir, AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test',
    AWS_PAGER: '', AWS_CONFIG_FILE: '/dev/null', AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
  };
  for (const event of [['s3', 'put', '--bucket', 'b', '--key', 'a b.txt'], ['apigateway', 'http-api-proxy'], ['sqs', 'receive-message']]) {
    const printed = await lambdalite('event', ...event);
    t.equal(printed.code, 0, printed.stderr);
    const out = join(dir, `${event[0]}.json`);
    const invoked = await run(AWS, [
      '--endpoint-url', server.url, '--region', 'us-east-1', 'lambda', 'invoke', '--function-name', 'echo',
      '--cli-binary-format', 'raw-in-base64-out', '--payload', printed.stdout, out,
    ], env);
    t.equal(invoked.code, 0, `aws lambda invoke with ${event.slice(0, 2).join(' ')}${invoked.code === 0 ? '' : `: ${invoked.stderr}`}`);
    t.same(JSON.parse(readFileSync(out, 'utf8')), JSON.parse(printed.stdout), 'the function received the event as printed');
  }
});
