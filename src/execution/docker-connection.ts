// The Docker Engine API connection of the docker executor (dockerode), from the one setting that
// names it (config.ts dockerHost, which reads DOCKER_HOST): unix:///path, /path or tcp://host:port.
import Docker from 'dockerode';

/** The socket of a unix:///path or /path Docker host; undefined for tcp:// (or anything else). */
export const dockerSocketPath = (dockerHost: string): string | undefined => /^(?:unix:\/\/)?(\/\S+)$/.exec(dockerHost)?.[1];

export function dockerClient(dockerHost: string): Docker {
  const tcp = /^tcp:\/\/([^:/]+):(\d+)\/?$/.exec(dockerHost);
  if (tcp) return new Docker({ host: tcp[1]!, port: Number(tcp[2]), protocol: 'http' });
  const socketPath = dockerSocketPath(dockerHost);
  if (socketPath === undefined) {
    throw new Error(`the docker executor reaches the Docker Engine at unix:///path or tcp://host:port, not ${dockerHost} (--docker-host / DOCKER_HOST)`);
  }
  return new Docker({ socketPath });
}

/** Connects and checks the engine answers; a clear start-up error when it does not. */
export async function connectDocker(dockerHost: string): Promise<Docker> {
  const docker = dockerClient(dockerHost);
  try {
    await docker.ping();
  } catch (err) {
    throw new Error(
      `the docker executor cannot reach the Docker Engine at ${dockerHost} (--docker-host / DOCKER_HOST): ${(err as Error).message}; ` +
        'start dockerd, or mount its socket into this container (-v /var/run/docker.sock:/var/run/docker.sock)',
    );
  }
  return docker;
}

/** The HTTP status of a failed Engine API call (404 no such container or image, 409 conflict). */
export const dockerStatus = (err: unknown): number | undefined => (err as { statusCode?: number } | null)?.statusCode;

/** A failed Engine API call's own message, without dockerode's "(HTTP code 404) no such image - " prefix. */
export const dockerMessage = (err: unknown): string =>
  ((err as Error | null)?.message ?? String(err)).replace(/^\(HTTP code \d+\) [\w ]+ - /, '').trim();

/** The messages of a pull or build stream once it ends; a failed step is one with an `error`. */
export function dockerProgress(docker: Docker, stream: NodeJS.ReadableStream): Promise<{ error?: string }[]> {
  return new Promise((resolve, reject) =>
    docker.modem.followProgress(stream, (err: Error | null, out: { error?: string }[]) => (err ? reject(err) : resolve(out))),
  );
}
