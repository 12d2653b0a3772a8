// Container-image functions (PackageType Image): the image reference Code.ImageUri names, the
// digest and resolved URI AWS reports for it, and ImageConfig. Pure rules; no Docker here.
import { createHash } from 'node:crypto';
import { invalidParameter, validationError } from '../errors.js';
import type { ImageSpec } from '../execution/types.js';
import type { FunctionVersion, ImageSettings } from './model.js';

// The grammar of a Docker image reference, as distribution/reference documents it:
//   reference := name [ ":" tag ] [ "@" digest ]
//   name      := [domain "/"] path-component ["/" path-component]*
// AWS only takes ECR URIs; lambdalite has no ECR, so any well-formed reference is accepted
// (`my-fn:latest`, `localhost:5000/team/fn@sha256:...`, `public.ecr.aws/lambda/nodejs:20`).
const ALNUM = '[a-z0-9]+';
const SEPARATOR = '(?:[._]|__|-+)';
const PATH_COMPONENT = `${ALNUM}(?:${SEPARATOR}${ALNUM})*`;
const DOMAIN_COMPONENT = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
const DOMAIN = `${DOMAIN_COMPONENT}(?:\\.${DOMAIN_COMPONENT})*(?::[0-9]+)?`;
const NAME = `(?:${DOMAIN}/)?${PATH_COMPONENT}(?:/${PATH_COMPONENT})*`;
const TAG = '[\\w][\\w.-]{0,127}';
const DIGEST = '[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}';
const REFERENCE = new RegExp(`^(${NAME})(?::(${TAG}))?(?:@(${DIGEST}))?$`);
/** distribution/reference's NameTotalLengthMax. */
const MAX_NAME_LENGTH = 255;

export interface ImageReference {
  /** The repository: the reference without its tag and digest. */
  readonly repository: string;
  readonly tag: string | undefined;
  /** `algorithm:hex`, when the reference pins one. */
  readonly digest: string | undefined;
}

export function parseImageReference(uri: string): ImageReference | undefined {
  const m = REFERENCE.exec(uri);
  if (!m || m[1]!.length > MAX_NAME_LENGTH) return undefined;
  return { repository: m[1]!, tag: m[2], digest: m[3] };
}

/**
 * Code.ImageUri, checked: AWS answers a reference it cannot use with this message (seen for
 * `instance-scheduler-ecr-repo:latest`, ministryofjustice/modernisation-platform#2419).
 */
export function checkImageUri(uri: string): ImageReference {
  const ref = parseImageReference(uri);
  if (!ref) throw invalidParameter(`Source image ${uri} is not valid. Provide a valid source image.`);
  return ref;
}

/**
 * The hex digest a version of an image function reports as CodeSha256 and in ResolvedImageUri. On
 * AWS it is the manifest digest ECR resolved the tag to, in hex (not base64 as for a .zip; the same
 * value in both members in LocalStack's AWS-recorded snapshot TestLambdaImages::test_lambda_image_crud).
 * lambdalite has no registry and the control plane does not talk to Docker, so a reference pinned
 * `@sha256:<hex>` gives that hex, and any other reference the SHA-256 of the reference string:
 * deterministic, and different whenever ImageUri changes (which is what PublishVersion compares).
 */
export function imageDigestHex(uri: string, ref: ImageReference | undefined = parseImageReference(uri)): string {
  const digest = ref?.digest;
  if (digest !== undefined && /^sha256:[0-9a-fA-F]{64}$/.test(digest)) return digest.slice('sha256:'.length).toLowerCase();
  return createHash('sha256').update(uri).digest('hex');
}

/** GetFunction's Code.ResolvedImageUri: `<repository>@sha256:<digest>`. */
export function resolvedImageUri(uri: string, digestHex: string): string {
  const repository = parseImageReference(uri)?.repository ?? uri;
  return `${repository}@sha256:${digestHex}`;
}

/** ImageConfig as the request carries it (the service model's ImageConfig shape). */
export interface ImageConfigInput {
  EntryPoint?: string[];
  Command?: string[];
  WorkingDirectory?: string;
}

/**
 * The service model's constraints on ImageConfig (StringList: at most 1500 items; WorkingDirectory:
 * at most 1000 characters). An ImageConfig with no members clears it: AWS then answers without
 * ImageConfigResponse (LocalStack's AWS-recorded snapshot test_lambda_image_and_image_config_crud,
 * "update-function-code-delete-imageconfig-response").
 */
export function checkImageConfig(input: ImageConfigInput): ImageSettings | undefined {
  const list = (value: string[] | undefined, field: string): string[] | undefined => {
    if (value === undefined) return undefined;
    if (value.length > 1500) throw validationError(value, `imageConfig.${field}`, 'Member must have length less than or equal to 1500');
    return value;
  };
  const entryPoint = list(input.EntryPoint, 'entryPoint');
  const command = list(input.Command, 'command');
  const workingDirectory = input.WorkingDirectory;
  if (workingDirectory !== undefined && workingDirectory.length > 1000) {
    throw validationError(workingDirectory, 'imageConfig.workingDirectory', 'Member must have length less than or equal to 1000');
  }
  if (entryPoint === undefined && command === undefined && workingDirectory === undefined) return undefined;
  return {
    ...(entryPoint !== undefined && { entryPoint }),
    ...(command !== undefined && { command }),
    ...(workingDirectory !== undefined && { workingDirectory }),
  };
}

/** FunctionConfiguration.ImageConfigResponse, present only when the version has an ImageConfig. */
export function renderImageConfig(s: ImageSettings | undefined): { ImageConfig: ImageConfigInput } | undefined {
  if (s === undefined) return undefined;
  return {
    ImageConfig: {
      ...(s.entryPoint !== undefined && { EntryPoint: [...s.entryPoint] }),
      ...(s.command !== undefined && { Command: [...s.command] }),
      ...(s.workingDirectory !== undefined && { WorkingDirectory: s.workingDirectory }),
    },
  };
}

/** What the execution side runs for an image function (EnvironmentSpec.image); undefined for a .zip. */
export function imageSpecOf(v: FunctionVersion): ImageSpec | undefined {
  // Only an image function has an imageUri; ImageSettings holds only the members that are set.
  return v.imageUri === undefined ? undefined : { uri: v.imageUri, ...v.config.imageConfig };
}
