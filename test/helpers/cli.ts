// The real AWS CLI v2 (Debian's awscli at /usr/bin/aws; a bare `aws` may be an old v1) as a
// user runs it against a test server: no profile or credentials file, no pager, JSON output.
import { execFile } from 'node:child_process';

export const AWS_CLI = '/usr/bin/aws';

export interface CliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `aws lambda <args>` against `url`, with `home` as HOME; never rejects. */
export function awsLambda(url: string, home: string, args: string[]): Promise<CliResult> {
  const env = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: home,
    AWS_ACCESS_KEY_ID: 'test',
    AWS_SECRET_ACCESS_KEY: 'test',
    AWS_PAGER: '',
    AWS_CONFIG_FILE: '/dev/null',
    AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
  };
  const argv = ['--endpoint-url', url, '--region', 'us-east-1', '--output', 'json', 'lambda', ...args];
  return new Promise((resolve) => {
    execFile(AWS_CLI, argv, { env, timeout: 60_000 }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : -1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}
