// The stored shape of a function version. `$LATEST` is the one mutable version; a published version
// is a frozen copy of it (code digest and configuration, environment variables included).

export type Architecture = 'x86_64' | 'arm64';
export type PackageType = 'Zip' | 'Image';

export interface VersionConfig {
  readonly runtime: string | undefined;
  readonly handler: string | undefined;
  readonly role: string;
  readonly description: string;
  readonly timeoutSeconds: number;
  readonly memoryMb: number;
  readonly ephemeralStorageMb: number;
  readonly environment: Readonly<Record<string, string>>;
  readonly architectures: readonly Architecture[];
  readonly layers: readonly string[];
  readonly packageType: PackageType;
  readonly tracingMode: 'Active' | 'PassThrough';
  readonly deadLetterTargetArn: string | undefined;
  readonly kmsKeyArn: string | undefined;
  readonly logFormat: 'Text' | 'JSON';
  readonly logGroup: string | undefined;
  /** ImageConfig of a container-image function; undefined when none is set (and for .zip functions). */
  readonly imageConfig?: ImageSettings | undefined;
}

/** ImageConfig's overrides of the image's ENTRYPOINT, CMD and WORKDIR, as stored. */
export interface ImageSettings {
  readonly entryPoint?: readonly string[];
  readonly command?: readonly string[];
  readonly workingDirectory?: string;
}

export interface FunctionVersion {
  readonly functionName: string;
  /** `$LATEST` or a published version number as a string ("1", "2", ...). */
  readonly version: string;
  readonly config: VersionConfig;
  /**
   * Hex SHA-256 of the deployment package, the key of the content-addressed code store; for a
   * container image, its digest (src/functions/image.ts imageDigestHex), which is in no code store.
   */
  readonly codeSha256Hex: string;
  /** Bytes of the .zip; 0 for a container image, as AWS reports it. */
  readonly codeSize: number;
  /** Code.ImageUri as given, for PackageType Image; undefined for a .zip function. */
  readonly imageUri: string | undefined;
  readonly lastModified: string;
  readonly revisionId: string;
}

export interface FunctionRecord {
  readonly name: string;
  readonly createdAt: string;
  /** The next number PublishVersion hands out; never goes down, so numbers are never reused. */
  readonly nextVersion: number;
  readonly tags: Readonly<Record<string, string>>;
  readonly reservedConcurrency: number | undefined;
  /** The resource-based policy statements, as AddPermission built them. */
  readonly policyStatements: readonly PolicyStatement[];
  readonly policyRevisionId: string;
}

export interface PolicyStatement {
  readonly Sid: string;
  readonly Effect: 'Allow';
  readonly Principal: string | Record<string, string>;
  readonly Action: string;
  readonly Resource: string;
  readonly Condition?: Record<string, Record<string, string>>;
}

export interface AliasRecord {
  readonly functionName: string;
  readonly name: string;
  readonly functionVersion: string;
  readonly description: string;
  readonly additionalVersionWeights: Readonly<Record<string, number>>;
  readonly revisionId: string;
}

export const LATEST = '$LATEST';
