// A function's deployment package is a .zip archive (kept in the content-addressed code store) or a
// container image (PackageType Image, Code.ImageUri). This file owns which request members go with
// which package type, with AWS's messages, how the code of each is taken in, and how GetFunction's
// Code member describes it.
import { invalidParameter, validationError } from '../errors.js';
import type { CodeStore } from './code-store.js';
import { checkImageUri, imageDigestHex, resolvedImageUri } from './image.js';
import type { FunctionVersion, PackageType } from './model.js';
import type { ConfigInput } from './validate.js';

export interface CodeInput {
  ZipFile?: Uint8Array | string;
  S3Bucket?: string;
  S3Key?: string;
  ImageUri?: string;
}

/** The code of a version, as taken in: what FunctionVersion stores of it. */
export interface VersionCode {
  readonly sha256Hex: string;
  readonly size: number;
  readonly imageUri: string | undefined;
}

/** GetFunction's Code (the service model's FunctionCodeLocation). */
export type CodeLocation =
  | { RepositoryType: 'S3'; Location: string }
  | { RepositoryType: 'ECR'; ImageUri: string; ResolvedImageUri: string };

// Where AWS's own wording for a refusal was not found, lambdalite words it after AWS's neighbouring
// messages; those constants say so.

/**
 * AWS's message for Runtime, Handler or Layers on an image function, at create and at configuration
 * update (pulumi/pulumi-aws#5439 for CreateFunction; aws/aws-cdk#13037 for an update).
 */
const NO_RUNTIME_FOR_IMAGES = "Please don't provide Handler or Runtime or Layer when the intended function PackageType is Image.";
/** AWS's, for a .zip function without Runtime or Handler (boto/boto3#2705). */
const ZIP_NEEDS_RUNTIME = 'Runtime and Handler are mandatory parameters for functions created with deployment packages.';
/** AWS's, for a .zip function whose Code has no ZipFile (boto/boto3#2705, Code with only ImageUri). */
const ZIP_NEEDS_SOURCE = 'Please provide a source for function code.';
/** lambdalite's wording (after NO_RUNTIME_FOR_IMAGES). */
const IMAGE_NEEDS_URI = 'Please provide ImageUri when the intended function PackageType is Image.';
const IMAGE_TAKES_NO_ZIP = "Please don't provide ZipFile or S3Bucket when the intended function PackageType is Image.";
const ZIP_TAKES_NO_IMAGE = "Please don't provide ImageUri when the intended function PackageType is Zip.";
const ZIP_TAKES_NO_IMAGE_CONFIG = "Please don't provide ImageConfig when the intended function PackageType is Zip.";
/** AWS's, for UpdateFunctionCode (LocalStack's AWS-recorded snapshots TestLambdaImages::test_lambda_image_crud, test_lambda_zip_file_to_image). */
const UPDATE_IMAGE_NEEDS_URI = 'Please provide ImageUri when updating a function with packageType Image.';
const UPDATE_ZIP_TAKES_NO_IMAGE = "Please don't provide ImageUri when updating a function with packageType Zip.";
/** lambdalite's wording (after UPDATE_ZIP_TAKES_NO_IMAGE). */
const UPDATE_ZIP_TAKES_NO_IMAGE_CONFIG = "Please don't provide ImageConfig when updating a function with packageType Zip.";

/** CreateFunction's PackageType: the service model's enum, Zip when left out. */
export function checkPackageType(raw: string | undefined): PackageType {
  const type = raw ?? 'Zip';
  if (type !== 'Zip' && type !== 'Image') {
    throw validationError(type, 'packageType', 'Member must satisfy enum value set: [Zip, Image]');
  }
  return type;
}

const hasZip = (code: CodeInput) => code.ZipFile !== undefined || code.S3Bucket !== undefined || code.S3Key !== undefined;

/**
 * CreateFunction: "For a container image, the code property must include the URI of a container
 * image ... You do not need to specify the handler and runtime properties. ... For a .zip file
 * archive ... You must also specify the handler and runtime properties" (CreateFunction, API reference).
 */
export function checkCreateMembers(packageType: PackageType, input: ConfigInput & { Code: CodeInput }): void {
  if (packageType === 'Image') {
    refuseRuntimeForImage(input);
    if (input.Code.ImageUri === undefined) throw invalidParameter(IMAGE_NEEDS_URI);
    if (hasZip(input.Code)) throw invalidParameter(IMAGE_TAKES_NO_ZIP);
    return;
  }
  if (input.ImageConfig !== undefined) throw invalidParameter(ZIP_TAKES_NO_IMAGE_CONFIG);
  if (input.Runtime === undefined || input.Handler === undefined) throw invalidParameter(ZIP_NEEDS_RUNTIME);
  // A Code with only ImageUri is refused for its missing ZipFile instead (DeploymentPackages.forCreate).
  if (input.Code.ImageUri !== undefined && input.Code.ZipFile !== undefined) throw invalidParameter(ZIP_TAKES_NO_IMAGE);
}

/** UpdateFunctionConfiguration: the members the function's package type does not take. */
export function checkConfigMembers(packageType: PackageType, input: ConfigInput): void {
  if (packageType === 'Image') refuseRuntimeForImage(input);
  else if (input.ImageConfig !== undefined) throw invalidParameter(UPDATE_ZIP_TAKES_NO_IMAGE_CONFIG);
}

function refuseRuntimeForImage(input: ConfigInput): void {
  if (input.Runtime !== undefined || input.Handler !== undefined || (input.Layers ?? []).length > 0) {
    throw invalidParameter(NO_RUNTIME_FOR_IMAGES);
  }
}

/** GetFunction's Code: a download URL for a .zip; the image and its resolved digest for an image. */
export function codeLocation(v: FunctionVersion, codeUrl: (sha256Hex: string) => string): CodeLocation {
  if (v.imageUri !== undefined) {
    return { RepositoryType: 'ECR', ImageUri: v.imageUri, ResolvedImageUri: resolvedImageUri(v.imageUri, v.codeSha256Hex) };
  }
  return { RepositoryType: 'S3', Location: codeUrl(v.codeSha256Hex) };
}

/** Takes in the code of CreateFunction and UpdateFunctionCode. */
export class DeploymentPackages {
  constructor(private readonly code: CodeStore) {}

  /** CreateFunction's Code, its members already checked against the package type (checkCreateMembers). */
  async forCreate(packageType: PackageType, code: CodeInput): Promise<VersionCode> {
    return packageType === 'Image' ? image(code.ImageUri!) : this.zip(code);
  }

  /** UpdateFunctionCode: "Use only with a function defined with a .zip file archive" and the reverse (the service model). */
  async forUpdate(packageType: PackageType, code: CodeInput): Promise<VersionCode> {
    if (packageType === 'Image') {
      if (code.ImageUri === undefined || hasZip(code)) throw invalidParameter(UPDATE_IMAGE_NEEDS_URI);
      return image(code.ImageUri);
    }
    if (code.ImageUri !== undefined) throw invalidParameter(UPDATE_ZIP_TAKES_NO_IMAGE);
    return this.zip(code);
  }

  private async zip(code: CodeInput): Promise<VersionCode> {
    if (code.S3Bucket !== undefined || code.S3Key !== undefined) {
      throw invalidParameter('Code from S3 (S3Bucket/S3Key) is not supported by lambdalite: upload the zip as ZipFile.');
    }
    if (code.ZipFile === undefined) throw invalidParameter(ZIP_NEEDS_SOURCE);
    const zip = typeof code.ZipFile === 'string' ? Buffer.from(code.ZipFile, 'base64') : Buffer.from(code.ZipFile);
    const stored = await this.code.put(zip);
    return { sha256Hex: stored.sha256Hex, size: stored.size, imageUri: undefined };
  }
}

/** An image is not copied anywhere: the reference is checked and its digest worked out. */
function image(uri: string): VersionCode {
  const ref = checkImageUri(uri);
  // CodeSize 0: the image is not a package Lambda stores (LocalStack answers 0 for image code too;
  // its AWS-recorded snapshots mask the member, so this is the one value here not seen from AWS).
  return { sha256Hex: imageDigestHex(uri, ref), size: 0, imageUri: uri };
}
