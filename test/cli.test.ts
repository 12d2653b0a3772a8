// The `lambdalite` command as a user runs it: the compiled dist/cli.js in a child process.
import { execFile, spawn } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import t from 'tap';
import { tempDir } from './helpers/server.js';

const CLI = new URL('../dist/cli.js', import.meta.url).pathname;
const run = promisify(execFile);

t.test('--help lists the options', async (t) => {
  const { stdout } = await run(process.execPath, [CLI, '--help']);
  t.match(stdout, /Usage: lambdalite \[serve\]/);
  t.match(stdout, /--data-dir/);
  t.match(stdout, /LAMBDALITE_ACCOUNT_ID/);
});

t.test('a bad value stops start-up with a clear message', async (t) => {
  const err = await run(process.execPath, [CLI, 'serve', '--port', 'eighty']).catch((e: { code: number; stderr: string }) => e);
  t.equal((err as { code: number }).code, 2);
  t.match((err as { stderr: string }).stderr, /lambdalite: --port \/ LAMBDALITE_PORT: expected a whole number, got 'eighty'/);
});

t.test('serve listens, answers, and exits cleanly on SIGTERM', async (t) => {
  const dataDir = tempDir();
  t.teardown(() => rmSync(dataDir, { recursive: true, force: true }));
  const child = spawn(process.execPath, [CLI, '--port', '0', '--data-dir', dataDir], {
    env: { ...process.env, LAMBDALITE_LOG_LEVEL: 'info' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (c: Buffer) => {
      out += c.toString();
      const m = /"url":"(http:\/\/[^"]+)"/.exec(out);
      if (m) resolve(m[1]!);
    });
    child.once('exit', (code) => reject(new Error(`exited ${code}: ${out}`)));
  });
  const res = await fetch(`${url}/2015-03-31/functions`);
  t.equal(res.status, 200);
  t.same(await res.json(), { Functions: [] });
  t.ok(existsSync(join(dataDir, 'lambdalite.db')), 'the database lives in the data directory');
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  child.kill('SIGTERM');
  t.equal(await exited, 0, 'exit code 0 after SIGTERM');
});
