// Finds the image a container starts from: a runtime's (src/runtimes/images.ts: present locally,
// else pulled, else a clear error naming docker/runtimes/build.sh), or a container-image
// function's own (Code.ImageUri). Looked up at every cold start, so an image built or pulled while
// lambdalite runs is used from the next environment on.
import type Docker from 'dockerode';
import { BUILD_COMMAND, runtimeImages } from '../runtimes/images.js';
import { dockerMessage, dockerProgress, dockerStatus } from './docker-connection.js';
import { ExecutorStartError } from './executor.js';

/** An image and the parts of its configuration a container of it inherits. */
export interface ResolvedImage {
  readonly ref: string;
  readonly entrypoint: readonly string[];
  readonly cmd: readonly string[];
  readonly env: Readonly<Record<string, string>>;
}

interface ImageInfo {
  readonly Config?: { Entrypoint?: string[] | null; Cmd?: string[] | null; Env?: string[] | null };
}

export class ImageResolver {
  constructor(
    private readonly docker: Docker,
    private readonly overrides: Readonly<Record<string, string>> = {},
  ) {}

  async forRuntime(runtime: string): Promise<ResolvedImage> {
    const choice = runtimeImages(runtime, this.overrides);
    for (const ref of choice.candidates) {
      const found = await this.inspect(ref);
      if (found) return found;
    }
    const failures: string[] = [];
    for (const ref of choice.pullable) {
      const pulled = await this.pull(ref);
      if (typeof pulled !== 'string') return pulled;
      failures.push(`${ref} could not be pulled (${pulled})`);
    }
    const missing = choice.candidates.filter((ref) => !choice.pullable.includes(ref)).map((ref) => `${ref} does not exist`);
    throw new ExecutorStartError(
      'InvalidRuntimeException',
      `no image for runtime ${runtime}: ${[...failures, ...missing].join('; ')}. ` +
        `Build lambdalite's runtime images with ${BUILD_COMMAND}, or name one with --runtime-images ${runtime}=<image>`,
    );
  }

  /** A container-image function's image; InvalidImage (a StateReasonCode of the Lambda API) when absent. */
  async forImage(uri: string): Promise<ResolvedImage> {
    const found = (await this.inspect(uri)) ?? (await this.pull(uri));
    if (typeof found !== 'string') return found;
    throw new ExecutorStartError(
      'InvalidImage',
      `image ${uri} is not on this Docker Engine and could not be pulled (${found}); build or load it there first (docker build -t ${uri} .)`,
    );
  }

  private async inspect(ref: string): Promise<ResolvedImage | undefined> {
    let info: ImageInfo;
    try {
      info = (await this.docker.getImage(ref).inspect()) as ImageInfo;
    } catch (err) {
      if (dockerStatus(err) === 404) return undefined;
      throw err;
    }
    const env: Record<string, string> = {};
    for (const pair of info.Config?.Env ?? []) {
      const eq = pair.indexOf('=');
      if (eq > 0) env[pair.slice(0, eq)] = pair.slice(eq + 1);
    }
    return { ref, entrypoint: info.Config?.Entrypoint ?? [], cmd: info.Config?.Cmd ?? [], env };
  }

  /** The pulled image, or why it could not be pulled (these machines reach no registry: it fails fast). */
  private async pull(ref: string): Promise<ResolvedImage | string> {
    try {
      const output = await dockerProgress(this.docker, await this.docker.pull(ref));
      const failed = output.find((o) => o.error !== undefined);
      if (failed) return failed.error!;
    } catch (err) {
      return dockerMessage(err);
    }
    return (await this.inspect(ref)) ?? 'the pull ended without the image';
  }
}
