// The labels on every container the docker executor creates, and the clean-up they allow: at
// start-up lambdalite removes the containers an earlier run of the same data directory left
// behind (it was killed before it could stop them). The data directory's own random id tells its
// containers apart from those of other lambdalite servers on the same Docker Engine — a path
// would not, since two compose projects both use /data.
import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type Docker from 'dockerode';
import { dockerStatus } from './docker-connection.js';

export const LABEL = {
  managed: 'lambdalite.managed',
  instance: 'lambdalite.instance',
  functionName: 'lambdalite.function',
  version: 'lambdalite.version',
  environment: 'lambdalite.environment',
} as const;

/** The data directory's id: made once, then read back on every start. */
export function instanceId(dataDir: string): string {
  const file = join(dataDir, 'instance-id');
  try {
    const id = readFileSync(file, 'utf8').trim();
    if (/^[0-9a-f]{16}$/.test(id)) return id;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  const id = randomBytes(8).toString('hex');
  writeFileSync(file, `${id}\n`);
  return id;
}

export interface ContainerOwner {
  readonly instance: string;
  readonly functionName: string;
  readonly version: string;
  readonly envId: string;
}

export function containerLabels(o: ContainerOwner): Record<string, string> {
  return {
    [LABEL.managed]: 'true',
    [LABEL.instance]: o.instance,
    [LABEL.functionName]: o.functionName,
    [LABEL.version]: o.version,
    [LABEL.environment]: o.envId,
  };
}

/** Ids of this instance's containers, running or not. */
export async function instanceContainers(docker: Docker, instance: string): Promise<string[]> {
  const found = await docker.listContainers({ all: true, filters: { label: [`${LABEL.instance}=${instance}`] } });
  return found.map((c) => c.Id);
}

/** Removes (killing first) every container of this instance; returns how many there were. */
export async function removeOrphans(docker: Docker, instance: string): Promise<number> {
  const ids = await instanceContainers(docker, instance);
  await Promise.all(
    ids.map((id) =>
      docker
        .getContainer(id)
        .remove({ force: true })
        .catch((err: unknown) => {
          // Gone already (404), or being removed by someone else (409): either way not ours to wait for.
          if (dockerStatus(err) !== 404 && dockerStatus(err) !== 409) throw err;
        }),
    ),
  );
  return ids.length;
}
