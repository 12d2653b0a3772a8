// The three-hop floor (bench/floor/) as a child process with `workers` long-polling workers.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';

const SERVER = fileURLToPath(new URL('../floor/server.mjs', import.meta.url));

/** Starts the floor and resolves once every worker polls: { url, pid, command, stop() }. */
export async function startFloor(workers) {
  const child = spawn(process.execPath, [SERVER, String(workers)], { stdio: ['ignore', 'pipe', 2] });
  const exited = once(child, 'exit');
  const port = await new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (chunk) => {
      const match = /listening (\d+)/.exec((out += chunk));
      if (match) resolve(Number(match[1]));
    });
    child.once('exit', (code) => reject(new Error(`the floor server exited with ${code}`)));
  });
  return {
    url: `http://127.0.0.1:${port}/invoke`,
    pid: child.pid,
    command: `node bench/floor/server.mjs ${workers}`,
    async stop() {
      child.kill('SIGTERM');
      await exited;
    },
  };
}
