// The docker executor next to the process executor (issue 5): cold starts (create → first
// response, scale-out) and warm invokes at concurrency 1 and 10, each environment a container.
// Needs a Docker daemon and the runtime images (docker/base/build.sh && docker/runtimes/build.sh);
// without them the group says so in one row instead of failing the whole table. Server CPU here
// leaves out the runtimes, which are the daemon's children, not lambdalite's.
import { execFileSync } from 'node:child_process';
import { coldStart } from './cold.mjs';
import { lambdaliteWarm } from './warm.mjs';

function missing() {
  try {
    execFileSync('docker', ['image', 'inspect', 'lambdalite/runtime:nodejs20.x', 'lambdalite/runtime:python3.12'], { stdio: 'ignore' });
    return undefined;
  } catch {
    return 'not measured: no Docker daemon answers, or the runtime images are missing (docker/base/build.sh && docker/runtimes/build.sh)';
  }
}

export async function docker(context) {
  const why = missing();
  if (why) {
    context.report.add({ case: 'docker executor', other: why });
    return;
  }
  await coldStart('docker')(context);
  await lambdaliteWarm('node', 'docker', [1, 10])(context);
}
