// Which image the docker executor runs each runtime in, as data (DESIGN.md "Runtimes are data"):
// AWS's own base images first ("AWS base images for Lambda", gallery.ecr.aws/lambda), then the
// images docker/runtimes/build.sh builds here from no registry. Both keep the same contract
// (ENTRYPOINT /lambda-entrypoint.sh, CMD [handler], /var/runtime/bootstrap), so either serves.
/** AWS's base image per runtime id; `provided` is the Amazon Linux 1 image (alami). */
const OFFICIAL_IMAGES: Readonly<Record<string, string>> = {
  'nodejs18.x': 'public.ecr.aws/lambda/nodejs:18',
  'nodejs20.x': 'public.ecr.aws/lambda/nodejs:20',
  'nodejs22.x': 'public.ecr.aws/lambda/nodejs:22',
  'python3.9': 'public.ecr.aws/lambda/python:3.9',
  'python3.10': 'public.ecr.aws/lambda/python:3.10',
  'python3.11': 'public.ecr.aws/lambda/python:3.11',
  'python3.12': 'public.ecr.aws/lambda/python:3.12',
  'python3.13': 'public.ecr.aws/lambda/python:3.13',
  provided: 'public.ecr.aws/lambda/provided:alami',
  'provided.al2': 'public.ecr.aws/lambda/provided:al2',
  'provided.al2023': 'public.ecr.aws/lambda/provided:al2023',
};

/** The image docker/runtimes/build.sh tags for a runtime id. */
export const localImage = (runtime: string): string => `lambdalite/runtime:${runtime}`;

/** The command that builds the local images, named in every error about a missing one. */
export const BUILD_COMMAND = 'docker/base/build.sh && docker/runtimes/build.sh';

export interface ImageChoice {
  /** Images to use, best first: the first one present locally wins. */
  readonly candidates: readonly string[];
  /** Of the candidates, those worth a pull when none is present (a registry may serve them). */
  readonly pullable: readonly string[];
}

/**
 * The images a runtime of src/runtimes/table.ts (the executor checks it is one) may run in: the user's override alone when there is one (--runtime-images),
 * else the official image, then the local one. Only official and overriding images are pulled:
 * `lambdalite/runtime:*` exist nowhere but where build.sh ran.
 */
export function runtimeImages(runtime: string, overrides: Readonly<Record<string, string>> = {}): ImageChoice {
  const override = overrides[runtime];
  if (override !== undefined) return { candidates: [override], pullable: [override] };
  const official = OFFICIAL_IMAGES[runtime];
  return official === undefined
    ? { candidates: [localImage(runtime)], pullable: [] }
    : { candidates: [official, localImage(runtime)], pullable: [official] };
}
