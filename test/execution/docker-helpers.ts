// Shared by the docker executor tests: a real Docker Engine is required. Without its socket the
// tests fail with what to do, unless LAMBDALITE_SKIP_DOCKER_TESTS=1 says to skip them.
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type Docker from 'dockerode';
import { dockerClient, dockerSocketPath } from '../../src/execution/docker-connection.js';
import { DockerExecutor } from '../../src/execution/docker-executor.js';
import { LABEL } from '../../src/execution/docker-labels.js';
import { BUILD_COMMAND, localImage } from '../../src/runtimes/images.js';

export const DOCKER_HOST = process.env['DOCKER_HOST'] ?? 'unix:///var/run/docker.sock';
const socket = dockerSocketPath(DOCKER_HOST);
const SETUP = `start dockerd, then build the images: npm run build && ${BUILD_COMMAND}`;

/**
 * false when the docker tests can run; a skip reason with LAMBDALITE_SKIP_DOCKER_TESTS=1; else it
 * throws, so a machine without Docker fails these tests loudly instead of passing them unrun.
 */
export function dockerSkip(): string | false {
  if (socket === undefined || existsSync(socket)) return false;
  if (process.env['LAMBDALITE_SKIP_DOCKER_TESTS'] === '1') return `no Docker Engine at ${DOCKER_HOST} (LAMBDALITE_SKIP_DOCKER_TESTS=1)`;
  throw new Error(`the docker executor tests need a Docker Engine at ${DOCKER_HOST}: ${SETUP}; or set LAMBDALITE_SKIP_DOCKER_TESTS=1 to skip them`);
}

/** Throws with the set-up steps when a runtime image these tests use is missing. */
export async function requireRuntimeImages(docker: Docker, runtimes: readonly string[]): Promise<void> {
  for (const runtime of runtimes) {
    try {
      await docker.getImage(localImage(runtime)).inspect();
    } catch {
      throw new Error(`${localImage(runtime)} is missing: ${SETUP}`);
    }
  }
}

/** A docker executor over its own temp data directory (so its own instance id), removed at the end. */
export async function testDockerExecutor(
  t: { teardown(fn: () => unknown): void },
  runtimeImages?: Readonly<Record<string, string>>,
): Promise<DockerExecutor> {
  const dataDir = await mkdtemp(join(tmpdir(), 'lambdalite-docker-test-'));
  t.teardown(() => rm(dataDir, { recursive: true, force: true }));
  const { executor } = await DockerExecutor.create({ dockerHost: DOCKER_HOST, network: undefined, runtimeImages, dataDir });
  await requireRuntimeImages(executor.docker, ['provided.al2023', 'nodejs20.x', 'python3.12']);
  return executor;
}

export const testDocker = (): Docker => dockerClient(DOCKER_HOST);

/** Containers (running or not) of one execution environment. */
export async function environmentContainers(docker: Docker, envId: string): Promise<Docker.ContainerInfo[]> {
  return docker.listContainers({ all: true, filters: { label: [`${LABEL.environment}=${envId}`] } });
}
